"""Password-byte rows: passwords a create accepts whose every byte must count (USER-PASSWORD-BYTES):
spaces at the start, at the end and inside, control characters (NUL, tab, newline), non-ASCII letters
(precomposed, decomposed, a compatibility character), every ASCII special character, and the longest
accepted password made of all of these. For each, `byte_near_misses` derives the passwords a server
that trims, stops at a control character (C strings), normalises Unicode or folds case would let in.

Input: the password (built from the profile: the longest row needs its maximum and unit); no data.
`bearer_carries` says whether a `Bearer user:password` header can carry a password at all (CF
section 8: httpx/h11 refuse control characters and surrounding whitespace in a header value, Go's
net/http trims it), so REST logins of the others use HTTP Basic credentials."""

from __future__ import annotations

import string
import unicodedata

from milvus_conformance.contract.rules import length_in
from milvus_conformance.harness.scenarios import Row, need
from tests.tables.near_misses import NearMiss, near_misses

BYTES = "USER-PASSWORD-BYTES"
HEAD = "Aa1!bcdefg"  # valid under every profile on its own
SPECIALS = string.punctuation  # the 32 printable ASCII specials


def _fixed(text: str):
    return lambda profile, users: text


def _longest(profile, users) -> str:
    """The profile's maximum, in its unit, of a pattern holding a space, a tab, a NUL, a special
    and a 2-byte letter (a multibyte character is never cut: the pattern pads with ASCII)."""
    unit, most = need(profile, "password.length_unit"), need(profile, "password.max_length")
    out, pattern = "Aa1", " \t\x00!\u00e9z~"
    while True:
        for char in pattern:
            if length_in(unit, out + char) > most:
                return out + "b" * (most - length_in(unit, out))
            out += char


PASSWORD_BYTE_ROWS = [
    Row("leading-space", (BYTES,), _fixed(" " + HEAD)),
    Row("trailing-space", (BYTES,), _fixed(HEAD + " ")),
    Row("inner-space", (BYTES,), _fixed("Aa1! bcdefg")),
    Row("only-spaces-around", (BYTES,), _fixed("  " + HEAD + "  ")),
    Row("nul-inside", (BYTES,), _fixed("Aa1!bc\x00defg")),
    Row("nul-at-end", (BYTES,), _fixed(HEAD + "\x00")),
    Row("tab-inside", (BYTES,), _fixed("Aa1!bc\tdefg")),
    Row("newline-inside", (BYTES,), _fixed("Aa1!bc\ndefg")),
    Row("newline-at-end", (BYTES,), _fixed(HEAD + "\n")),
    Row("non-ascii-precomposed", (BYTES,), _fixed("Aa1!bcd\u00e9fg\u00f1")),
    Row("non-ascii-decomposed", (BYTES,), _fixed("Aa1!bcde\u0301fg")),
    Row("non-ascii-compatibility", (BYTES,), _fixed("Aa1!bc\ufb01defg")),
    Row("every-special", (BYTES,), _fixed("Aa1" + SPECIALS)),
    Row("longest-mixed", (BYTES,), _longest, depends_on=("password.max_length",)),
]


def bearer_carries(password: str) -> bool:
    """Whether `Authorization: Bearer user:password` can carry this password unchanged."""
    return not any(unicodedata.category(c) == "Cc" for c in password) and password == password.rstrip(" \t")


def _first_control(password: str) -> int | None:
    return next((i for i, c in enumerate(password) if unicodedata.category(c) == "Cc"), None)


def _flip_one_letter(password: str) -> str | None:
    """The first letter whose case flips to a single character of the same width, flipped."""
    for i, char in enumerate(password):
        flipped = char.swapcase()
        if flipped != char and len(flipped) == 1 and len(flipped.encode()) == len(char.encode()):
            return password[:i] + flipped + password[i + 1 :]
    return None


def _length_misses(password: str, unit: str) -> list[NearMiss]:
    """tests/tables/near_misses.py's near misses; where the last character is a control character
    (no printable neighbour of its width), those of the password without it, plus it left out."""
    if unicodedata.category(password[-1]) != "Cc":
        return near_misses(password, unit)
    return [
        NearMiss("without-last", password[:-1]),
        NearMiss("control-repeated", password + password[-1]),
        *near_misses(password[:-1], unit),
    ]


def byte_near_misses(password: str, unit: str) -> list[NearMiss]:
    """Every distinct near miss of `password` (never the password itself, never empty): trimmed
    (both ends, each end, every space removed), cut at the first control character, each Unicode
    normal form, one letter's case flipped, each special character left out, and the length near
    misses of tests/tables/near_misses.py."""
    cut = _first_control(password)
    candidates = [
        NearMiss("trimmed", password.strip()),
        NearMiss("trimmed-start", password.lstrip()),
        NearMiss("trimmed-end", password.rstrip()),
        NearMiss("spaces-removed", "".join(c for c in password if not c.isspace())),
        NearMiss("cut-at-first-control", password[:cut] if cut is not None else password),
        NearMiss("controls-removed", "".join(c for c in password if unicodedata.category(c) != "Cc")),
        *(
            NearMiss(f"unicode-{form}", unicodedata.normalize(form, password))
            for form in ("NFC", "NFD", "NFKC", "NFKD")
        ),
        NearMiss("one-letter-case-flipped", _flip_one_letter(password) or password),
        *(
            NearMiss(f"without-special-{ord(c):02x}", password.replace(c, "", 1))
            for c in dict.fromkeys(password)
            if c in SPECIALS
        ),
        *_length_misses(password, unit),
    ]
    seen, out = {password, ""}, []
    for miss in candidates:
        if miss.text not in seen:
            seen.add(miss.text)
            out.append(miss)
    return out
