"""password rows: length boundaries in the profile's unit (bytes or characters, with multibyte input)
and the character-class rule. Input: the password (with a fresh name); no data."""

from milvus_conformance.harness.scenarios import NotCovered, Row, need

HEAD = "Aa1!"  # four character classes, so that only the length can matter


def of_length(n: int, unit: str, wide: bool = False) -> str:
    """A 4-class password of exactly n units; `wide` pads with a 2-byte character."""
    if n < len(HEAD):
        return HEAD[: max(n, 0)]
    if not wide:
        return HEAD + "a" * (n - len(HEAD))
    if unit == "characters":
        return HEAD + "\u00e9" * (n - len(HEAD))
    rest = n - len(HEAD)  # bytes: 2 per \u00e9, an odd byte as "a"
    return HEAD + "\u00e9" * (rest // 2) + "a" * (rest % 2)


def _at(offset_key: str, delta: int, wide: bool = False):
    def build(profile, users):
        return of_length(need(profile, offset_key) + delta, need(profile, "password.length_unit"), wide)

    return build


def _over_bytes_within_chars(profile, users):
    """Under the limit counted in characters, over it counted in bytes: tells the two units apart."""
    hi = need(profile, "password.max_length")
    if hi < 8:
        raise NotCovered("max length too small")
    return HEAD + "\u00e9" * (hi // 2 + 1 - len(HEAD) // 2)


def _ending_with(char):
    return lambda profile, users: "Abcdefgh" + char


PASSWORD_ROWS = [
    # REST: a required field left empty (binding); SDK: an empty string reaches the server core
    Row("empty", ("USER-CREATE-BODY-FIELDS",), lambda p, u: ""),
    # each length limit at both ends, ASCII and multibyte: tests/tables/limits.py
    Row("max-multibyte", ("USER-CREATE-PASSWORD-LENGTH",), _at("password.max_length", 0, wide=True)),
    Row("max-plus-one-multibyte", ("USER-CREATE-PASSWORD-LENGTH",), _at("password.max_length", 1, wide=True)),
    Row("over-in-bytes-within-in-characters", ("USER-CREATE-PASSWORD-LENGTH",), _over_bytes_within_chars),
    Row("far-over-max", ("USER-CREATE-PASSWORD-LENGTH",), lambda p, u: of_length(300, "bytes")),
    Row("doc-example", ("USER-CREATE-PASSWORD-LENGTH", "USER-CREATE-PASSWORD-CLASSES"), lambda p, u: "P@ssw0rd"),
    Row("one-class-lower", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "abcdefghij"),
    Row("two-classes-lower-digit", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "abcdefgh12"),
    Row("two-classes-upper-lower", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "ABCDEfghij"),
    Row("two-classes-lower-special", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "abcdefgh!!"),
    Row("three-classes-no-special", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "Abcdefgh12"),
    Row("three-classes-no-digit", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "Abcdefgh!!"),
    Row("three-classes-no-upper", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "abcdefg1!!"),
    Row("three-classes-no-lower", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "ABCDEFG1!!"),
    Row("four-classes", ("USER-CREATE-PASSWORD-CLASSES",), lambda p, u: "Abcdef1!xy"),
] + [
    # Each special character as the only non-alphanumeric one, in a password with upper+lower:
    # three classes exactly when the server counts it as special.
    Row(f"special-{name}", ("USER-CREATE-PASSWORD-CLASSES",), _ending_with(ch))
    for name, ch in [
        ("at", "@"),
        ("bang", "!"),
        ("hash", "#"),
        ("dollar", "$"),
        ("percent", "%"),
        ("caret", "^"),
        ("amp", "&"),
        ("star", "*"),
        ("dash", "-"),
        ("underscore", "_"),
        ("space", " "),
        ("colon", ":"),
        ("quote", '"'),
        ("backslash", "\\"),
        ("non-ascii", "\u00e9"),
    ]
]
