"""Two profiles side by side, key by key: both values and both sources, differences first. A profile
is named (profiles/NAME.yaml) or given as a file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from milvus_conformance.contract.profiles import Profile, Value, load_profile

ABSENT = object()  # the key is not in that profile at all


# How B's value relates to A's: a contradiction first, then one leaving open what the other states.
RELATIONS = ("differs", "narrows", "widens", "same")


@dataclass(frozen=True)
class KeyDiff:
    key: str
    a: Value | None
    b: Value | None

    @property
    def differs(self) -> bool:
        return _value(self.a) != _value(self.b)

    @property
    def relation(self) -> str:
        """same; narrows: B states what A leaves open (null, a status of null, code "nonzero") and
        agrees with the rest; widens: the reverse; differs: they contradict."""
        a, b = _value(self.a), _value(self.b)
        if a == b:
            return "same"
        if _admits(a, b):
            return "narrows"
        return "widens" if _admits(b, a) else "differs"


@dataclass(frozen=True)
class ProfileDiff:
    a: Profile
    b: Profile
    rows: list[KeyDiff]

    @property
    def differences(self) -> list[KeyDiff]:
        return [r for r in self.rows if r.differs]


def _value(v: Value | None) -> Any:
    return ABSENT if v is None else v.value


def _admits(open_value: Any, value: Any) -> bool:
    """`value` is one of the values `open_value` allows."""
    if open_value in (None, ABSENT) or open_value == value:
        return True
    if open_value == "nonzero":
        return type(value) is int and value != 0
    if isinstance(open_value, dict) and isinstance(value, dict) and set(open_value) == set(value):
        return all(_admits(open_value[k], value[k]) for k in open_value)
    return False


def diff_profiles(a: Profile, b: Profile) -> ProfileDiff:
    keys = sorted(set(a.keys()) | set(b.keys()))
    rows = [KeyDiff(k, _get(a, k), _get(b, k)) for k in keys]
    rows.sort(key=lambda r: (RELATIONS.index(r.relation), r.key))
    return ProfileDiff(a, b, rows)


def _get(profile: Profile, key: str) -> Value | None:
    return profile.get(key) if key in profile.keys() else None


def open_profile(ref: str) -> Profile:
    """A profile by name, or from a file (which may `extends` a named profile or another file)."""
    return load_profile(ref)
