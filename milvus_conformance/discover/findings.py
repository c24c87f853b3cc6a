"""What a discovery found: one value per profile key, with what was sent and seen to find it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from milvus_conformance.discover.outcome import describe


@dataclass(frozen=True)
class Finding:
    key: str
    value: Any  # None: not observed (`how` says why)
    how: str  # what was sent and what came back, no secret in it
    observed: bool = True


class Findings:
    def __init__(self) -> None:
        self._items: dict[str, Finding] = {}

    def found(self, key: str, value: Any, how: str) -> None:
        self._items[key] = Finding(key, value, how, observed=value is not None)

    def unknown(self, key: str, reason: str) -> None:
        self._items[key] = Finding(key, None, reason, observed=False)

    def note(self, key: str, text: str) -> None:
        """Add what a later probe saw to the evidence of a key."""
        item = self._items[key]
        self._items[key] = Finding(key, item.value, f"{item.how}; {text}", item.observed)

    def value(self, key: str) -> Any:
        item = self._items.get(key)
        return item.value if item is not None else None

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def items(self) -> list[Finding]:
        return [self._items[k] for k in sorted(self._items)]


def record_outcome(f: Findings, key: str, attempt, what: str, success: str) -> None:
    """An outcome kind's finding: the shape of a refusal, or unknown when the call succeeded
    (`success` says how it did, e.g. "answered success")."""
    if attempt.accepted:
        f.unknown(key, f"{what} {success}")
    else:
        f.found(key, attempt.shape, f"{what} -> {describe(attempt.shape)}")
