"""userName rows: boundaries, first character, each forbidden character class, spaces.
Input: the userName to create (with a valid password); no data."""

from milvus_conformance.harness.scenarios import Row, need

MAX = "user_name.max_length"


def _one_letter(profile, users):
    for letter in "QZXJKVWYqzxjkvwy":
        if users.ledger.claim_exact(letter):
            return letter
    raise RuntimeError("every candidate 1-character name is taken on the target")


def _inside(char):
    """A fresh name with `char` in the middle: only that character can make it invalid."""
    return lambda profile, users: users.name(tag="a" + char + "b")


NAME_ROWS = [
    Row("plain", ("USER-CREATE-NAME-CHARSET",), lambda p, u: u.name()),
    Row("letters-digits-underscore", ("USER-CREATE-NAME-CHARSET",), lambda p, u: "Ab_9" + u.name()),
    Row("uppercase-first", ("USER-CREATE-NAME-FIRST-CHAR",), lambda p, u: "Z" + u.name()),
    Row("one-character", ("USER-CREATE-NAME-LENGTH",), _one_letter, exact=True),
    # the maximum itself and one over it: tests/tables/limits.py (each limit at both ends, in its unit)
    Row("very-long", ("USER-CREATE-NAME-LENGTH",), lambda p, u: u.name(length=need(p, MAX) * 8), depends_on=(MAX,)),
    Row("empty", ("USER-CREATE-NAME-LENGTH", "USER-CREATE-BODY-FIELDS"), lambda p, u: ""),
    Row("first-digit", ("USER-CREATE-NAME-FIRST-CHAR",), lambda p, u: "9" + u.name()),
    Row("first-underscore", ("USER-CREATE-NAME-FIRST-CHAR",), lambda p, u: "_" + u.name()),
    Row("first-non-ascii", ("USER-CREATE-NAME-FIRST-CHAR",), lambda p, u: "\u00e9" + u.name()),
    Row("with-space", ("USER-CREATE-NAME-CHARSET",), _inside(" ")),
    Row("with-hyphen", ("USER-CREATE-NAME-CHARSET",), _inside("-")),
    Row("with-dot", ("USER-CREATE-NAME-CHARSET",), _inside(".")),
    Row("with-at", ("USER-CREATE-NAME-CHARSET",), _inside("@")),
    Row("with-slash", ("USER-CREATE-NAME-CHARSET",), _inside("/")),
    Row("with-non-ascii", ("USER-CREATE-NAME-CHARSET",), _inside("\u00e9")),
    Row("with-emoji", ("USER-CREATE-NAME-CHARSET",), _inside("\U0001f600")),
    Row("with-tab", ("USER-CREATE-NAME-CHARSET",), _inside("\t")),
    Row("surrounding-spaces", ("USER-CREATE-NAME-CHARSET",), lambda p, u: " " + u.name() + " "),
    # control characters: refused whole, or (a newline at the end, which Go's TrimSpace removes for
    # validation) stored exactly as sent - never cut at the control character (C strings)
    Row("with-nul", ("USER-CREATE-NAME-CHARSET",), _inside("\x00")),
    Row("with-newline", ("USER-CREATE-NAME-CHARSET",), _inside("\n")),
    Row("with-del", ("USER-CREATE-NAME-CHARSET",), _inside("\x7f")),
    Row("trailing-nul", ("USER-CREATE-NAME-CHARSET",), lambda p, u: u.name() + "\x00"),
    Row("trailing-newline", ("USER-CREATE-NAME-CHARSET",), lambda p, u: u.name() + "\n"),
]
