"""password: the character-class rule (and what counts as special), the minimum and maximum length,
their unit pinned at BOTH limits with ASCII and multibyte input, what happens over the maximum, and
where the server's own validation stops. Passwords appear in sources by length only."""

from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.discover.findings import Findings
from milvus_conformance.discover.outcome import describe
from milvus_conformance.discover.search import highest_true, lowest_true
from milvus_conformance.discover.session import Session

PATTERN = "Aa1!"  # cycled: every password of 4+ characters has 4 classes
WIDE = "é"  # 1 character, 2 UTF-8 bytes
PASSWORD_LIMIT = 4096
CLASS_SAMPLES = ((1, "abcdefghijkl"), (2, "abcdefABCDEF"), (3, "abcdABCD1234"), (4, "abcABC123!@#"))
CLASS_PARTS = ("abcd", "ABCD", "1234")
SPECIAL_CANDIDATES = ("!", "_", " ", "~", WIDE, "中")


def password_of(n: int) -> str:
    return (PATTERN * (n // len(PATTERN) + 1))[:n]


@dataclass
class Limits:
    low: int | None = None  # shortest accepted (ASCII)
    high: int | None = None  # longest accepted (ASCII)
    under: dict | None = None  # shape of a password one under `low`
    over: dict | None = None  # shape of a password one over `high`


def probe_passwords(s: Session, f: Findings) -> Limits:
    need = _classes(s, f)
    limits = _lengths(s, f, need)
    if limits.high is not None and limits.low is not None:
        _units(s, f, limits)
    _over_max(s, f, limits)
    return limits


def _accepts(s: Session, password: str, seen: dict | None = None, n: int | None = None) -> bool:
    attempt = s.create(s.name(), password)
    if seen is not None:
        seen[n] = attempt.shape
    return attempt.accepted


def _classes(s: Session, f: Findings) -> int | None:
    key = "password.min_classes"
    for count, sample in CLASS_SAMPLES:  # noqa: B007  (`count` is read after the loop)
        if _accepts(s, sample):
            break
    else:
        f.unknown(key, "12-character passwords with 1, 2, 3 and 4 character classes were all refused")
        return None
    need = 0 if count == 1 else count
    if need == 0:
        f.found(key, 0, "a 12-character password of lowercase letters only accepted: no class rule")
        return need
    special = [x for x in SPECIAL_CANDIDATES if _accepts(s, "".join(CLASS_PARTS[: need - 1]) + x * 4)]
    f.found(
        key,
        need,
        f"12-character passwords with {count - 1} classes refused, {count} accepted; "
        f"counted as special: {''.join(special)!r} of {''.join(SPECIAL_CANDIDATES)!r}",
    )
    return need


def _lengths(s: Session, f: Findings, need: int | None) -> Limits:
    limits, seen = Limits(), {}
    start = 12
    low = lowest_true(lambda n: _accepts(s, password_of(n), seen, n), start)
    limits.low, limits.under = low.held, seen.get(low.failed)
    note = f" (a class rule of {need} also refuses passwords shorter than {need})" if need else ""
    if low.failed is None:
        f.found("password.min_length", low.held, f"a 1-character password accepted{note}")
    else:
        f.found(
            "password.min_length",
            low.held,
            f"ASCII password of {low.held} characters accepted, {low.failed} -> {describe(limits.under)}{note}",
        )
    high = highest_true(lambda n: _accepts(s, password_of(n), seen, n), start, PASSWORD_LIMIT)
    limits.high, limits.over = high.held, seen.get(high.failed)
    if high.failed is None:
        f.unknown("password.max_length", f"ASCII passwords up to {PASSWORD_LIMIT} bytes accepted: no maximum found")
    else:
        f.found(
            "password.max_length",
            high.held,
            f"ASCII password of {high.held} bytes accepted, {high.failed} -> {describe(limits.over)}",
        )
    return limits


def _units(s: Session, f: Findings, limits: Limits) -> None:
    """Bytes or characters, at each limit: a multibyte password whose character count is inside the
    range and whose byte count is outside it (and the reverse at the minimum)."""
    key = "password.length_unit"
    low, high = limits.low, limits.high
    control = "Aa1" + WIDE * max(low - 3, 1)  # within the range in characters and in bytes
    if not (low <= len(control) and len(control.encode()) <= high) or not _accepts(s, control):
        f.unknown(
            key,
            f"a multibyte password of {len(control)} characters "
            f"({len(control.encode())} bytes) was refused or does not fit the range",
        )
        return
    at_max = "Aa1" + WIDE * (high - 3)  # `high` characters, 2*high-3 bytes
    max_unit = "characters" if _accepts(s, at_max) else "bytes"
    if low < 3:
        min_unit = None
    else:
        at_min = password_of(low - 2) + WIDE  # low-1 characters, `low` bytes
        min_unit = "bytes" if _accepts(s, at_min) else "characters"
    how = (
        f"at the maximum a password of {high} characters ({2 * high - 3} bytes) "
        f"{'accepted' if max_unit == 'characters' else 'refused'}"
    )
    if min_unit is not None:
        how += f"; at the minimum {low - 1} characters ({low} bytes) {'accepted' if min_unit == 'bytes' else 'refused'}"
    if min_unit not in (None, max_unit):
        f.unknown(
            key,
            f"the limits count differently: the minimum in {min_unit}, the maximum in "
            f"{max_unit} ({how}); one unit cannot state it",
        )
    else:
        f.found(key, max_unit, how)


def _over_max(s: Session, f: Findings, limits: Limits) -> None:
    kind, hard = "password.over_max_kind", "password.validation_max"
    if limits.over is None or limits.under is None:
        reason = "needs both length limits pinned"
        for key in (kind, hard):
            f.unknown(key, reason)
        return
    over = f"a password of {limits.high + 1} bytes -> {describe(limits.over)}"
    if limits.over == limits.under:
        f.found(kind, "invalid_value", f"{over}, as one under the minimum")
        f.unknown(hard, f"one limit only: {over}, the validation error")
        return
    f.found(
        kind, "bcrypt_error", f"{over}, not the validation error of a too-short password ({describe(limits.under)})"
    )
    seen = {}
    edge = highest_true(
        lambda n: _shape_of(s, password_of(n), seen, n) != limits.under, limits.high + 1, PASSWORD_LIMIT
    )
    if edge.failed is None:
        f.unknown(hard, f"passwords up to {PASSWORD_LIMIT} bytes give the hashing error, never the validation error")
    else:
        f.found(
            hard,
            edge.held,
            f"a password of {edge.held} bytes -> {describe(seen[edge.held])}, "
            f"{edge.failed} bytes -> {describe(seen[edge.failed])}",
        )


def _shape_of(s: Session, password: str, seen: dict, n: int):
    seen[n] = s.create(s.name(), password).shape
    return seen[n]
