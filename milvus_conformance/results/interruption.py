"""A run that was stopped before it finished (Ctrl-C, SIGTERM): its overall result is "interrupted",
whatever the cases that did run say, so that no report of a partial run reads as a verdict.

Run-level only: the cases that ran keep their own statuses; this records why and how far it got."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

INTERRUPTED = "interrupted"  # results.json `overall` of an interrupted run


@dataclass(frozen=True)
class Interruption:
    signal: str  # "SIGINT", "SIGTERM"
    phase: str  # when it arrived: "start", "cases", "clean-up"
    cases_run: int  # cases with a result (each counted in `counts`)
    cases_planned: int  # cases collected for the run (0 when interrupted before collection)

    def summary(self) -> str:
        """'SIGINT during the cases: 120 of 395 cases ran'."""
        planned = f" of {self.cases_planned}" if self.cases_planned else ""
        return f"{self.signal} during the {self.phase}: {self.cases_run}{planned} cases ran"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Interruption | None":
        return cls(**d) if d else None
