"""The keys a profile file may set: those of the documented profile (the base every profile extends,
holding every key, profiles/README.md) and the few informative keys `discover` writes beyond it.
A key outside them is a typo until proved otherwise: loading such a file is a configuration error
(exit 4) that names the closest known key, so `password.max_lenght` cannot silently leave
`password.max_length` at its inherited value."""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import yaml

from milvus_conformance.errors import ConfigError

DOCUMENTED_FILE = Path(__file__).resolve().parents[2] / "profiles" / "documented.yaml"
# written by discover (observed), read by no case
INFORMATIVE_KEYS = ("user_name.first_chars",)


@lru_cache(maxsize=1)
def known_keys() -> frozenset[str]:
    raw = yaml.safe_load(DOCUMENTED_FILE.read_text(encoding="utf-8")) or {}
    return frozenset(raw.get("values") or {}) | frozenset(INFORMATIVE_KEYS)


def closest(key: str) -> str | None:
    match = difflib.get_close_matches(str(key), sorted(known_keys()), n=1, cutoff=0.6)
    return match[0] if match else None


def check_keys(path: Path, keys) -> None:
    """Raise ConfigError for the first key of a profile file that no profile knows."""
    unknown = [k for k in keys if k not in known_keys()]
    if not unknown:
        return
    key = unknown[0]
    hint = closest(key)
    more = f" (and {len(unknown) - 1} more unknown keys)" if len(unknown) > 1 else ""
    raise ConfigError(
        f"profile {path}: unknown key {key!r}"
        + (f": did you mean {hint!r}?" if hint else " (profiles/README.md lists the keys)")
        + more
    )
