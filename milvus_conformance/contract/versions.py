"""Server versions as Milvus reports them (gRPC GetVersion: "v2.5.12", "v2.3.5-lite", "v3.0.0-beta",
"v2.5.4-12-gdeadbeef") or as a user gives them ("2.5.3"), and inclusive version ranges.

A suffix whose first token is a pre-release marker (alpha, beta, rc, dev, pre) makes a pre-release,
which sorts before its release (2.5.4-rc1 < 2.5.4); any other suffix is a build flavour ("lite",
"gpu", a git-describe "12-gabc") and compares equal to its release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+.]?(.*))?$")
_PRERELEASE = re.compile(r"^(alpha|beta|rc|dev|pre)[.\d]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: str = ""  # "" for a release
    text: str = ""  # as given or reported, for display

    @property
    def series(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    def _key(self) -> tuple:
        # a release sorts after its pre-releases; pre-releases compare by their text
        return (self.major, self.minor, self.patch, not self.prerelease, self.prerelease)

    def __lt__(self, other: "Version") -> bool:
        return self._key() < other._key()

    def __le__(self, other: "Version") -> bool:
        return self._key() <= other._key()

    def same_release(self, other: "Version") -> bool:
        """Equal apart from a build flavour: what a user-given and a reported version must be."""
        return self._key() == other._key()

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}" + (f"-{self.prerelease}" if self.prerelease else "")


def parse_version(text: str | None) -> Version | None:
    """None for anything unparsable (including "" and None)."""
    m = _VERSION.match((text or "").strip())
    if not m:
        return None
    major, minor, patch, suffix = m.group(1), m.group(2), m.group(3), (m.group(4) or "")
    first = re.split(r"[-+.]", suffix, maxsplit=1)[0] if suffix else ""
    prerelease = suffix if first and _PRERELEASE.match(first) else ""
    return Version(int(major), int(minor), int(patch or 0), prerelease.lower(), text.strip())


def parse_user_version(text: str, option: str = "--server-version") -> Version:
    """A version the user gives must name a patch release: X.Y.Z (a pre-release suffix is allowed)."""
    from milvus_conformance.errors import ConfigError

    version = parse_version(text)
    if version is None or not re.match(r"^v?\d+\.\d+\.\d+", text.strip()):
        raise ConfigError(f"{option} must be a version X.Y.Z (e.g. 2.5.4), got {text!r}")
    return version


@dataclass(frozen=True)
class VersionRange:
    """Inclusive on both ends; an open end is None."""

    since: Version | None = None
    until: Version | None = None

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.until is not None

    def contains(self, version: Version) -> bool:
        return (self.since is None or self.since <= version) and (self.until is None or version <= self.until)

    def overlaps(self, other: "VersionRange") -> bool:
        starts_before_other_ends = self.since is None or other.until is None or self.since <= other.until
        other_starts_before_end = other.since is None or self.until is None or other.since <= self.until
        return starts_before_other_ends and other_starts_before_end

    def __str__(self) -> str:
        if not self.bounded:
            return "all versions"
        if self.since is not None and self.until is not None:
            return f"{self.since}..{self.until}"
        return f"{self.since}.." if self.since is not None else f"..{self.until}"
