"""Two profiles side by side, key by key: both values and both sources, differences first. A profile
is named (profiles/NAME.yaml) or given as a file."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from milvus_conformance.contract.profiles import Profile, Value, load_profile
from milvus_conformance.errors import ConfigError

ABSENT = object()          # the key is not in that profile at all


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
    """A profile by name, or from a file (which may `extends` a named profile)."""
    path = Path(ref)
    if not (path.suffix in (".yaml", ".yml") or path.is_file()):
        return load_profile(ref)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read profile {ref}: {getattr(exc, 'strerror', None) or exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"profile {ref}: not a mapping")
    name = str(raw.get("name") or path.stem)
    parent = load_profile(raw["extends"]) if raw.get("extends") else None
    values = {k: parent.get(k) for k in parent.keys()} if parent else {}
    for key, entry in (raw.get("values") or {}).items():
        if not isinstance(entry, dict) or "value" not in entry or not entry.get("source"):
            raise ConfigError(f"profile {ref}: {key!r} needs both 'value' and 'source'")
        values[key] = Value(key, entry["value"], entry["source"], name)
    return Profile(name, raw.get("title", name), values)
