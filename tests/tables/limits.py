"""Length-limit rows: every length limit a profile knows, pinned at each end (one under the limit, the
limit, one over), counted in the unit the profile states (`rules.limit_unit`), with ASCII input and
with multibyte input, so that a server counting a limit in the other unit fails a row.

With ASCII only, bytes and characters coincide: a server counting the minimum in characters and the
maximum in bytes would pass. The multibyte inputs are as dense as the unit allows (counted in bytes:
as many wide characters as fit, the odd bytes as ASCII; counted in characters: wide characters
after a short ASCII head), so counted in the other unit they land on the other side of the limit at
every end; selftests/test_limit_tables.py checks that for every profile. A 4-byte character is
also two UTF-16 code units: a server counting those fails a row of a profile counting characters.

Each builder gets (profile, users) and returns the input. The outcome is never written here: the
Runner predicts it from the active and the documented profile (contract/rules.py)."""

from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.contract.rules import length_in, limit_unit
from milvus_conformance.harness.scenarios import NotCovered, Row, need

NAME_LENGTH, PASSWORD_LENGTH = "USER-CREATE-NAME-LENGTH", "USER-CREATE-PASSWORD-LENGTH"
ASCII_HEAD = "Aa1!"  # four character classes, so that only the length can decide
WIDE_HEAD = "Aa"  # with a wide (non-ASCII, so "special") character: three classes


@dataclass(frozen=True)
class Pad:
    """What a row's input is made of beyond its head; named by its UTF-8 width."""

    char: str

    @property
    def wide(self) -> bool:
        return not self.char.isascii()

    @property
    def name(self) -> str:
        return f"{len(self.char.encode('utf-8'))}-byte" if self.wide else "ascii"


PADS = (Pad("a"), Pad("\u00e9"), Pad("\U0001f600"))  # ascii, 2-byte, 4-byte (outside the BMP)
ENDS = ((-1, "minus-one"), (0, "at"), (1, "plus-one"))


def text_of(n: int, unit: str, pad: Pad) -> str:
    """A password of exactly n units (`bytes` or `characters`), ending in `pad` characters.

    ASCII: ASCII_HEAD, then "a" (cut to n when n is smaller). Wide: WIDE_HEAD (shortened so that at
    least one wide character fits), ASCII "a" for bytes no wide character fills, then the wide
    characters, last: so the password's last character is a wide one."""
    if not pad.wide:
        return (ASCII_HEAD + pad.char * max(n - len(ASCII_HEAD), 0))[: max(n, 0)]
    width = length_in(unit, pad.char)
    if n < width:
        raise NotCovered(f"a {pad.name} character does not fit in {n} {unit}")
    head = WIDE_HEAD[: min(len(WIDE_HEAD), n - width)]
    count, odd = divmod(n - len(head), width)
    return head + "a" * odd + pad.char * count


def _password_at(key: str, offset: int, pad: Pad):
    def build(profile, users):
        unit = limit_unit(profile, key)
        if unit is None:
            raise NotCovered(f"{profile.name} does not define password.length_unit")
        return text_of(need(profile, key) + offset, unit, pad)

    return build


def _name_at(offset: int, pad: Pad):
    """A name of the run's prefix, exactly max+offset bytes long. Wide only where the profile allows
    a non-ASCII name character (no profile does today: every valid name is ASCII, so bytes and
    characters coincide and the unit cannot be observed through a name)."""
    key = "user_name.max_length"

    def build(profile, users):
        n = need(profile, key) + offset
        if not pad.wide:
            return users.name(length=n)
        width = len(pad.char.encode("utf-8"))
        allowed = [c for c in profile["user_name.extra_chars"] or "" if len(c.encode("utf-8")) == width]
        if not allowed:
            raise NotCovered(
                f"{profile.name} allows no {pad.name} character in a userName: bytes and "
                f"characters coincide for every valid name"
            )
        base, char = users.name(), allowed[0]
        count, odd = divmod(n - len(base), length_in(limit_unit(profile, key), char))  # bytes
        if count < 1:
            raise NotCovered(f"no {pad.name} character fits after the run prefix in {n} bytes")
        return base + "a" * odd + char * count

    return build


@dataclass(frozen=True)
class Limit:
    """Which limit a row pins: the profile `key`, the `offset` from it (-1, 0, +1) and the `pad`."""

    key: str
    offset: int
    pad: Pad


# (row-name label, profile key): every password limit a profile knows
PASSWORD_LIMITS = (
    ("password-min", "password.min_length"),
    ("password-max", "password.max_length"),
    ("password-validation-max", "password.validation_max"),
)

PASSWORD_LIMIT_ROWS = [
    Row(f"{label}-{end}-{pad.name}", (PASSWORD_LENGTH,), _password_at(key, offset, pad), data=Limit(key, offset, pad))
    for label, key in PASSWORD_LIMITS
    for offset, end in ENDS
    for pad in PADS
]

# Wide name rows only at the two points that tell the units apart (the limit in bytes, one over).
NAME_PADS = (PADS[0], PADS[1])
NAME_LIMIT_ROWS = [
    Row(
        f"name-max-{end}-{pad.name}",
        (NAME_LENGTH,),
        _name_at(offset, pad),
        depends_on=("user_name.max_length",),
        data=Limit("user_name.max_length", offset, pad),
    )
    for offset, end in ENDS
    for pad in NAME_PADS
    if not pad.wide or offset >= 0
]
