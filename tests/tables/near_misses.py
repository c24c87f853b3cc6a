"""Near-miss rows: passwords a create accepts (the profile's minimum length, the middle of its range,
its maximum, in its unit; ASCII and multibyte), and the near misses of each that must NOT
authenticate for the user created with it. A server that stores or compares only a prefix of the
password (the hashing-truncation class: bcrypt's 72 bytes, crypt's 8 characters, a column cut at its
first 4-byte character), folds its case, or mangles non-ASCII characters lets one of them in.

Each builder gets (profile, users) and returns the password; `near_misses` derives the rest."""

from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.contract.rules import length_in
from milvus_conformance.harness.scenarios import NotCovered, Row, need
from tests.tables.limits import PADS, Pad, text_of

SEMANTICS = "USER-CREATE-SEMANTICS"  # "can authenticate with exactly the given password and no other"


@dataclass(frozen=True)
class NearMiss:
    name: str
    text: str


def _same_width(a: str, b: str) -> bool:
    return len(b) == 1 and len(a.encode("utf-8")) == len(b.encode("utf-8"))


def _changed(char: str) -> str:
    """Another character of the same UTF-8 width (for 'a', 'e' with acute, an emoji: the next one,
    which differs in the last byte only)."""
    for other in (chr(ord(char) + 1), chr(ord(char) - 1)):
        if _same_width(char, other) and other.isprintable():
            return other
    raise ValueError(f"no character of the width of {char!r} next to it")


def _leading(password: str, unit: str, most: int) -> str:
    """The longest leading part of at most `most` units, cut at a character boundary."""
    out = ""
    for char in password:
        if length_in(unit, out + char) > most:
            break
        out += char
    return out


def near_misses(password: str, unit: str) -> list[NearMiss]:
    last = password[-1]
    misses = [NearMiss("last-changed", password[:-1] + _changed(last))]
    if last.swapcase() != last and _same_width(last, last.swapcase()):
        misses.append(NearMiss("last-case-flipped", password[:-1] + last.swapcase()))
    misses += [
        NearMiss("without-last", password[:-1]),
        NearMiss("leading-half", _leading(password, unit, length_in(unit, password) // 2)),
        NearMiss("one-more", password + last),
    ]
    return misses


def _accepted(where: str, pad):
    def build(profile, users):
        unit = need(profile, "password.length_unit")
        lo, hi = need(profile, "password.min_length"), need(profile, "password.max_length")
        n = {"min": lo, "middle": (lo + hi) // 2, "max": hi}[where]
        if n < 2:
            raise NotCovered(f"a password of {n} {unit} has no near miss of its own length")
        return text_of(n, unit, pad)

    return build


@dataclass(frozen=True)
class Accepted:
    """What an accepted password is made of beyond its head."""

    pad: Pad


ACCEPTED_PASSWORD_ROWS = [
    Row(f"{where}-{pad.name}", (SEMANTICS,), _accepted(where, pad), data=Accepted(pad))
    for where in ("min", "middle", "max")
    for pad in PADS
]
