"""Profiles: what each kind of target is expected to do, every value with its source (profiles/*.yaml)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from milvus_conformance import REPO_ROOT
from milvus_conformance.errors import ConfigError

PROFILES_DIR = REPO_ROOT / "profiles"
DOCUMENTED = "documented"


@dataclass(frozen=True)
class Value:
    key: str
    value: Any
    source: str
    profile: str          # the profile file the value was written in (after `extends`)

    def cite(self) -> str:
        return f"{self.key}={self.value!r} ({self.profile}: {self.source})"

    @property
    def covered(self) -> bool:
        return self.value is not None


class Profile:
    def __init__(self, name: str, title: str, values: dict[str, Value]):
        self.name = name
        self.title = title
        self._values = values

    def get(self, key: str) -> Value:
        try:
            return self._values[key]
        except KeyError:
            # A key no profile defines is a bug in a case, not a skip.
            raise KeyError(f"profile {self.name!r} has no key {key!r} (see profiles/README.md)") from None

    def __getitem__(self, key: str) -> Any:
        return self.get(key).value

    def keys(self) -> list[str]:
        return sorted(self._values)

    def __repr__(self) -> str:
        return f"Profile({self.name!r})"


def available_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load_profile(name: str) -> Profile:
    path = PROFILES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(
            f"unknown profile {name!r}; available: {', '.join(available_profiles())}"
        )
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    values: dict[str, Value] = {}
    title = raw.get("title", name)
    parent = raw.get("extends")
    if parent:
        values.update(load_profile(parent)._values)
    for key, entry in (raw.get("values") or {}).items():
        if not isinstance(entry, dict) or "value" not in entry or not entry.get("source"):
            raise ConfigError(f"profile {name!r}: {key!r} needs both 'value' and 'source'")
        values[key] = Value(key, entry["value"], entry["source"], name)
    return Profile(name, title, values)


def documented() -> Profile:
    return load_profile(DOCUMENTED)
