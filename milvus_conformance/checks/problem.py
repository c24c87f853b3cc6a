"""What a failing check returns: the problem in one line, and the requirement it breaks beyond the
case's own (e.g. a malformed envelope breaks USER-CREATE-ERROR-ENVELOPE whatever the case is about);
None when the case's own requirements say it all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    text: str
    requirement: str | None = None

    def __str__(self) -> str:
        return self.text


def texts(found) -> list[str]:
    """The one-line texts of the problems found (None entries are satisfied checks)."""
    return [p.text for p in found if p is not None]
