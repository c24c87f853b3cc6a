"""Predict the outcome of a create from a profile's rules: the single place that knows what a valid
userName and password are. Cases, generated (schemathesis) cases and the fault catalogue all use it.

A prediction names an outcome kind ("ok", "invalid_value", ...) and the profile values it relied on,
so that a deviation can cite its source. `kind=None` means the profile does not cover this input.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from milvus_conformance.contract.profiles import Profile, Value

ASCII_LETTERS = set(string.ascii_letters)
# Go's strings.TrimSpace (unicode.IsSpace), which Milvus uses; Python's str.strip() also strips
# \x1c-\x1f, which Go keeps.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
NAME_BODY = set(string.ascii_letters + string.digits + "_")

# Character classes of the documented password rule. The docs do not define "special character";
# we read it as "anything that is not an ASCII letter or digit".
CLASSES = {
    "uppercase": lambda c: "A" <= c <= "Z",
    "lowercase": lambda c: "a" <= c <= "z",
    "digit": lambda c: "0" <= c <= "9",
    "special": lambda c: not (c.isascii() and c.isalnum()),
}


@dataclass
class Prediction:
    kind: str | None  # outcome kind, or None when not covered
    reason: str  # why (one line)
    values: list[Value] = field(default_factory=list)  # profile values relied on
    decided_by: str | None = None  # the key of the value that decided a refusal

    @property
    def covered(self) -> bool:
        return self.kind is not None


def deviation_citations(profile: Profile, mine: Prediction, docs: Prediction, documented: Profile) -> list[str]:
    """The active profile's values that explain why its outcome differs from the docs': the values
    that decided either refusal, where the two profiles disagree."""
    keys = [p.decided_by for p in (docs, mine) if p.kind != "ok" and p.decided_by]
    return [profile.get(k).cite() for k in dict.fromkeys(keys) if profile.get(k).value != documented.get(k).value]


def character_classes(password: str) -> set[str]:
    return {name for name, test in CLASSES.items() if any(test(c) for c in password)}


def length_in(unit: str, text: str) -> int:
    return len(text.encode("utf-8")) if unit == "bytes" else len(text)


def limit_unit(profile: Profile, key: str) -> str | None:
    """The unit a length limit is counted in: the password range in the profile's
    password.length_unit; the name and the server's own validation maximum in bytes (CF section 4:
    Go's len())."""
    if key in ("password.min_length", "password.max_length"):
        return profile.get("password.length_unit").value
    return "bytes"


def _need(profile: Profile, key: str, used: list[Value]) -> Value:
    v = profile.get(key)
    used.append(v)
    return v


def check_name(profile: Profile, name: str, used: list[Value]) -> Prediction | None:
    """None when the name is valid under the profile; otherwise the prediction for the create."""
    if name != name.strip(GO_SPACE):
        trims = _need(profile, "user_name.trims_spaces", used)
        if trims.value is None:
            return Prediction(None, f"{profile.name} does not say whether names are trimmed", used)
        if trims.value:
            name = name.strip(GO_SPACE)
        else:
            return Prediction("invalid_value", "userName has surrounding spaces", used, "user_name.trims_spaces")
    if name == "":
        return Prediction("invalid_value", "empty userName", used)
    if name[0] not in ASCII_LETTERS:
        return Prediction("invalid_value", f"userName starts with {name[0]!r}, not a letter", used)
    extra_value = profile.get("user_name.extra_chars")
    bad = [c for c in name[1:] if c not in NAME_BODY]
    if bad and extra_value.value is None:
        return Prediction(
            None,
            f"{profile.name} does not say whether {bad[0]!r} is allowed in a userName ({extra_value.cite()})",
            [*used, extra_value],
        )
    extra = extra_value.value or ""
    if any(c in extra for c in bad):
        used.append(profile.get("user_name.extra_chars"))
    bad = [c for c in bad if c not in extra]
    if bad:
        return Prediction("invalid_value", f"userName contains {bad[0]!r}", used, "user_name.extra_chars")
    max_len = profile.get("user_name.max_length")
    if max_len.value is not None and length_in(limit_unit(profile, max_len.key), name) > max_len.value:
        used.append(max_len)
        return Prediction("invalid_value", f"userName longer than {max_len.value} bytes", used, "user_name.max_length")
    return None


def stored_names(profile: Profile, name) -> tuple[str, ...]:
    """The names a successful create of `name` may be listed under: the trimmed name where the
    profile says the server stores it trimmed, both where the profile does not say."""
    if not isinstance(name, str) or name == name.strip(GO_SPACE) or not profile["user_name.trims_spaces"]:
        return (name,)
    stored_trimmed = profile["user_name.stored_trimmed"]
    if stored_trimmed is None:
        return (name, name.strip(GO_SPACE))
    return (name.strip(GO_SPACE),) if stored_trimmed else (name,)


def check_password(profile: Profile, password: str, used: list[Value]) -> Prediction | None:
    unit = _need(profile, "password.length_unit", used).value
    n = length_in(unit, password)
    lo = _need(profile, "password.min_length", used).value
    hi = _need(profile, "password.max_length", used).value
    if lo is not None and n < lo:
        return Prediction("invalid_value", f"password of {n} {unit} is under {lo}", used, "password.min_length")
    if hi is not None and n > hi:
        hard = profile.get("password.validation_max")
        if hard.value is not None and length_in(limit_unit(profile, hard.key), password) > hard.value:
            used.append(hard)
            return Prediction(
                "invalid_value", f"password over the server's {hard.value}-byte limit", used, "password.validation_max"
            )
        kind = _need(profile, "password.over_max_kind", used).value
        return Prediction(kind, f"password of {n} {unit} is over {hi}", used, "password.max_length")
    need = _need(profile, "password.min_classes", used).value
    if need is None:
        return Prediction(None, f"{profile.name} does not define a character-class rule", used)
    have = character_classes(password)
    if len(have) < need:
        return Prediction(
            "invalid_value",
            f"password has {len(have)} character classes, {need} required",
            used,
            "password.min_classes",
        )
    return None


def predict_create(profile: Profile, name, password, surface: str) -> Prediction:
    """Outcome kind of creating (name, password) on a fresh server (no duplicate, under the cap).

    `surface` matters for one thing: a missing, empty or non-string field fails before the server core
    sees it - over REST at body binding (missing_field / malformed_body), in pymilvus as ParamError for
    None or a non-string (an empty string does reach the server there).
    """
    used: list[Value] = []
    for field_name, value in (("userName", name), ("password", password)):
        if value is None or (value == "" and surface == "rest"):
            # REST: gin's `binding:"required"`; SDK: pymilvus's ParamError for None, before any RPC.
            return Prediction("missing_field", f"{field_name} is missing or empty", used)
        if not isinstance(value, str):
            kind = "malformed_body" if surface == "rest" else "missing_field"
            return Prediction(kind, f"{field_name} is a {type(value).__name__}, not a string", used)
    verdict = check_name(profile, name, used) or check_password(profile, password, used)
    if verdict is not None:
        return verdict
    return Prediction("ok", "valid userName and password", used)
