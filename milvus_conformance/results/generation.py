"""What a generated-case test (schemathesis) generated: part of its CaseResult, so that the terminal
summary and the reports find generated cases by this field, never by the wording of a message."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Generation:
    label: str  # the operation ID, or "stateful"
    cases: int  # requests generated (and sent)
    by_phase: dict[str, int] = field(default_factory=dict)  # phase (or "not sent") -> count
    tier: str = "gate"
    seed: int | None = None  # the seed it was generated from (None: not recorded)

    def summary(self) -> str:
        """One line: "createUser: 99 generated cases (coverage 84, examples 15); tier gate, seed 1"."""
        detail = ", ".join(f"{k} {v}" for k, v in sorted(self.by_phase.items()))
        seed = (
            "seed not recorded"
            if self.seed is None
            else f"seed {self.seed}" + (f" (replay: --fuzz-seed {self.seed})" if self.tier == "nightly" else "")
        )
        return f"{self.label}: {self.cases} generated cases ({detail or 'none'}); tier {self.tier}, {seed}"
