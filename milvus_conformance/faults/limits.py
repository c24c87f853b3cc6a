"""The length faults' arithmetic, shared by the REST and the SDK faults: each decides, from the
active profile (via a context's `limit`), whether a value sits where a server that counts a limit
in the wrong unit, or takes a bound as exclusive, would answer differently from the profile."""

from __future__ import annotations

from milvus_conformance.contract.rules import length_in

NAME_MAX, PW_MIN, PW_MAX = "user_name.max_length", "password.min_length", "password.max_length"
PW_UNIT, PW_VALIDATION_MAX = "password.length_unit", "password.validation_max"
DEFAULTS = {NAME_MAX: 32, PW_MIN: 6, PW_MAX: 72, PW_UNIT: "bytes"}
PREFIX_BYTES = 8  # a classic truncating hash (DES crypt) keeps only the first 8 bytes


def nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def cut(text: str, n: int) -> str:
    """The longest prefix of `text` of at most n UTF-8 bytes."""
    return text.encode("utf-8")[:n].decode("utf-8", "ignore")


def limit(ctx, key: str):
    return ctx.limit(key, DEFAULTS.get(key))


def pw_len(text: str, ctx) -> int:
    """The password's length in the unit the profile counts it in."""
    return length_in(limit(ctx, PW_UNIT), text)


def counts_bytes(ctx) -> bool:
    return limit(ctx, PW_UNIT) == "bytes"


def min_in_characters(password: str, ctx) -> bool:
    """Refused by a server counting the minimum in characters, accepted by the profile (bytes)."""
    return counts_bytes(ctx) and len(password) < limit(ctx, PW_MIN) <= nbytes(password)


def max_in_characters(password: str, ctx) -> bool:
    """Accepted by a server counting the maximum in characters, refused by the profile (bytes)."""
    return counts_bytes(ctx) and len(password) <= limit(ctx, PW_MAX) < nbytes(password)


def validation_max_in_characters(password: str, ctx) -> bool:
    """Past the server's own validation in bytes, within it in characters."""
    top = ctx.limit(PW_VALIDATION_MAX)
    return top is not None and counts_bytes(ctx) and len(password) <= top < nbytes(password)


def at_limit(value: str, ctx, key: str) -> bool:
    """Exactly at the limit `key` (user_name.* in bytes, password.* in the profile's unit)."""
    size = nbytes(value) if key == NAME_MAX else pw_len(value, ctx)
    return bool(value) and size == limit(ctx, key)


def over_max_password(password: str, ctx) -> str:
    """What a server storing only the first max bytes (bcrypt's silent truncation) compares."""
    return cut(password, limit(ctx, PW_MAX)) if nbytes(password) > limit(ctx, PW_MAX) else password


def prefix(password: str) -> str:
    return cut(password, PREFIX_BYTES)


# value changes (value, ctx) -> value, shared by the REST and the SDK faults
def name_at_max(name, ctx):
    return at_limit(name, ctx, NAME_MAX)


def password_at_min(password, ctx):
    return at_limit(password, ctx, PW_MIN)


def password_at_max(password, ctx):
    return at_limit(password, ctx, PW_MAX)


def password_prefix(password, ctx):
    return prefix(password)


def password_cut_over_max(password, ctx):
    return over_max_password(password, ctx) if max_in_characters(password, ctx) else password
