"""Profiles: what each kind of target is expected to do, every value with its source (profiles/*.yaml).

A key holds one value (`key: {value, source}`) or a list of entries, each with its own source and an
optional inclusive `since` / `until` patch version. `Profile.at(version)` resolves every key for one
server version; without a version, a key whose entries disagree is not covered (None), never guessed.
See profiles/README.md for the syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from milvus_conformance import REPO_ROOT
from milvus_conformance.contract.profile_keys import check_keys
from milvus_conformance.contract.versions import Version, VersionRange, parse_version
from milvus_conformance.errors import ConfigError

PROFILES_DIR = REPO_ROOT / "profiles"
DOCUMENTED = "documented"
ENTRY_FIELDS = {"value", "source", "since", "until"}


@dataclass(frozen=True)
class Entry:
    value: Any
    source: str
    range: VersionRange = VersionRange()


@dataclass(frozen=True)
class Value:
    key: str
    value: Any
    source: str
    profile: str  # the profile file the value was written in (after `extends`)
    range: VersionRange = VersionRange()  # of the entry that applied; unbounded for a flat value
    unresolved: bool = False  # None because no entry applies to the (unknown or given) version

    def cite(self) -> str:
        where = f"{self.profile} {self.range}" if self.range.bounded else self.profile
        return f"{self.key}={self.value!r} ({where}: {self.source})"

    @property
    def covered(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Definition:
    """A key as a profile file writes it: its entries, and which file that is."""

    key: str
    entries: tuple[Entry, ...]
    profile: str

    def resolve(self, version: Version | None, scope: VersionRange | None = None) -> Value:
        """`scope`: the versions the profile is for; without a version only the entries that
        reach into it count (a 2.4.0-2.4.2 entry does not make a 2.5 profile version-dependent)."""
        if version is not None:
            for entry in self.entries:
                if entry.range.contains(version):
                    return Value(self.key, entry.value, entry.source, self.profile, entry.range)
            return Value(self.key, None, f"no entry for v{version} ({self.history()})", self.profile, unresolved=True)
        relevant = self.relevant(scope)
        if self.version_independent(scope):
            first = relevant[0]
            return Value(
                self.key,
                first.value,
                first.source,
                self.profile,
                first.range if len(self.entries) == 1 else VersionRange(),
            )
        return Value(
            self.key,
            None,
            f"depends on the server version ({self.history()}); give --server-version or a --grpc-uri to resolve it",
            self.profile,
            unresolved=True,
        )

    def relevant(self, scope: VersionRange | None) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if scope is None or e.range.overlaps(scope))

    def version_independent(self, scope: VersionRange | None = None) -> bool:
        """One value for every version in `scope`: the entries reaching into it agree and cover both
        of its ends."""
        relevant = self.relevant(scope)
        if not relevant:
            return False
        low = scope.since if scope is not None else None
        high = scope.until if scope is not None else None
        covers_low = any(e.range.since is None or (low is not None and e.range.since <= low) for e in relevant)
        covers_high = any(e.range.until is None or (high is not None and high <= e.range.until) for e in relevant)
        return all(e.value == relevant[0].value for e in relevant) and covers_low and covers_high

    def history(self) -> str:
        return "; ".join(f"{e.range}: {e.value!r}" for e in self.entries)


@dataclass(frozen=True)
class AutoRule:
    """Which reported versions `--profile auto` maps to this profile (profiles/README.md)."""

    series: tuple[str, ...] = ()  # "2.5" = every 2.5.x
    prerelease_only: bool = False

    def matches(self, version: Version) -> bool:
        return version.series in self.series and (version.is_prerelease or not self.prerelease_only)

    def scope(self) -> VersionRange | None:
        """The versions of its series, from the first pre-release of X.Y.0 on (None: any version)."""
        if not self.series:
            return None
        pairs = sorted(tuple(int(p) for p in s.split(".")) for s in self.series)
        return VersionRange(Version(*pairs[0], 0, prerelease="0"), Version(*pairs[-1], 10**9))


@dataclass
class Profile:
    name: str
    title: str
    definitions: dict[str, Definition]
    path: Path | None = None
    auto: AutoRule = field(default_factory=AutoRule)  # its own claim for `--profile auto`
    version: Version | None = None  # the server version the values are resolved for
    scope: VersionRange | None = None  # the versions it is for: its own series, else its parent's
    _values: dict[str, Value] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.scope = self.auto.scope() or self.scope
        self._values = {k: d.resolve(self.version, self.scope) for k, d in self.definitions.items()}

    def at(self, version: Version | None) -> "Profile":
        """The same profile resolved for one server version (None: unknown)."""
        return Profile(self.name, self.title, self.definitions, self.path, self.auto, version, self.scope)

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

    def definition(self, key: str) -> Definition:
        return self.definitions[key]

    def version_dependent_keys(self) -> list[str]:
        return [k for k in self.keys() if not self.definitions[k].version_independent(self.scope)]

    def __repr__(self) -> str:
        return f"Profile({self.name!r}, version={str(self.version) if self.version else None})"


def available_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def is_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref


def profile_path(ref: str, relative_to: Path | None = None) -> Path:
    """A built-in name (profiles/NAME.yaml) or a file path (relative to the working directory, or
    to the file that `extends` it)."""
    if is_path(ref):
        path = Path(ref).expanduser()
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        if not path.is_file():
            raise ConfigError(f"profile file {ref!r} not found")
        return path.resolve()
    path = PROFILES_DIR / f"{ref}.yaml"
    if not path.is_file():
        raise ConfigError(
            f"unknown profile {ref!r}; available: {', '.join(available_profiles())} (or auto, or a profile file path)"
        )
    return path


def load_profile(ref: str, version: Version | None = None) -> Profile:
    """`ref`: a profile name or a profile file path. Resolved for `version` (None: unknown)."""
    profile = _load(str(profile_path(ref)), ())
    return profile if version is None else profile.at(version)


@lru_cache(maxsize=None)
def _load(path_text: str, chain: tuple[str, ...]) -> Profile:
    path = Path(path_text)
    if path_text in chain:
        raise ConfigError(f"profile {path.stem!r}: `extends` goes round in a circle")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"profile {path}: cannot read it as YAML ({' '.join(str(exc).split())[:200]})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"profile {path}: expected a mapping with `values`")
    name = str(raw.get("name") or path.stem)
    definitions: dict[str, Definition] = {}
    parent, scope = raw.get("extends"), None
    if parent:
        base = _load(str(profile_path(str(parent), path.parent)), chain + (path_text,))
        definitions.update(base.definitions)
        scope = base.scope
    if not isinstance(raw.get("values") or {}, dict):
        raise ConfigError(f"profile {path}: `values` must be a mapping of key -> {{value, source}}")
    check_keys(path, raw.get("values") or {})
    for key, written in (raw.get("values") or {}).items():
        definitions[key] = Definition(key, _entries(name, key, written), name)
    return Profile(name, str(raw.get("title", name)), definitions, path, _auto_rule(name, raw.get("auto")), scope=scope)


def _entries(profile: str, key: str, written) -> tuple[Entry, ...]:
    items = written if isinstance(written, list) else [written]
    if not items:
        raise ConfigError(f"profile {profile!r}: {key!r} has an empty entry list")
    entries = tuple(_entry(profile, key, item) for item in items)
    for i, a in enumerate(entries):
        for b in entries[i + 1 :]:
            if a.range.overlaps(b.range):
                raise ConfigError(f"profile {profile!r}: {key!r} has overlapping entries ({a.range} and {b.range})")
    return entries


def _entry(profile: str, key: str, item) -> Entry:
    if not isinstance(item, dict) or "value" not in item or not item.get("source"):
        raise ConfigError(f"profile {profile!r}: {key!r} needs both 'value' and 'source'")
    unknown = set(item) - ENTRY_FIELDS
    if unknown:
        raise ConfigError(f"profile {profile!r}: {key!r} has unknown fields {sorted(unknown)}")
    since, until = (_bound(profile, key, item, end) for end in ("since", "until"))
    if since is not None and until is not None and until < since:
        raise ConfigError(f"profile {profile!r}: {key!r} has `until` {until} before `since` {since}")
    return Entry(item["value"], str(item["source"]), VersionRange(since, until))


def _bound(profile: str, key: str, item: dict, end: str) -> Version | None:
    text = item.get(end)
    if text is None:
        return None
    version = parse_version(str(text))
    if version is None or str(text).count(".") < 2:
        raise ConfigError(f"profile {profile!r}: {key!r} `{end}: {text}` is not a version X.Y.Z")
    return version


def _auto_rule(profile: str, raw) -> AutoRule:
    if raw is None:
        return AutoRule()
    if not isinstance(raw, dict) or set(raw) - {"series", "prerelease_only"}:
        raise ConfigError(f"profile {profile!r}: `auto` takes `series` and `prerelease_only`")
    series = raw.get("series") or ()
    series = (series,) if isinstance(series, str) else tuple(str(s) for s in series)
    bad = [s for s in series if not re.fullmatch(r"\d+\.\d+", s)]
    if bad:
        raise ConfigError(f"profile {profile!r}: `auto.series` takes major.minor strings, got {bad}")
    return AutoRule(series, bool(raw.get("prerelease_only", False)))


def documented() -> Profile:
    return load_profile(DOCUMENTED)
