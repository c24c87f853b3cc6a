"""What the target answered, in a few words: `ok`, `refused (1100)`, `HTTP 404`, `grpc.RpcError
(DEADLINE_EXCEEDED)`. Derived from a case's recorded observation (never from its message), so a
matrix or a comparison can show that two releases refuse the same input with different codes even
where each release is judged against its own profile and both cases have the same status."""
from __future__ import annotations

from collections import Counter
from typing import Any

from milvus_conformance.results.model import CaseResult, RunResult
from milvus_conformance.results.observation import observations

SURFACE_LABELS = {"rest": "REST", "sdk": "SDK"}
PARITY_SIDES = ("rest", "sdk-utility", "sdk-client")      # a parity case observes each side


def outcome_of(observed: Any) -> str | None:
    """One observation's outcome (`Observation.outcome`, accepted by the profile's rule as recorded);
    a parity case's pair reads `REST refused (1100) / SDK refused (0)`."""
    found = observations(observed)
    if "" in found:
        return found[""].outcome()
    parts = [f"{'REST' if side == 'rest' else 'SDK'} {obs.outcome()}" for side, obs in found.items()
             if side in PARITY_SIDES]
    return " / ".join(parts) or None


def case_outcome(case: CaseResult) -> str | None:
    return outcome_of(case.observed)


def requirement_outcomes(run: RunResult, req_id: str) -> str:
    """The distinct outcomes of a requirement's cases per surface, most frequent first:
    `REST: refused (1100) x12, ok x3; SDK: refused (0) x24`."""
    by_surface: dict[str, Counter] = {}
    for case in run.cases:
        outcome = case_outcome(case)
        if req_id in case.requirements and outcome is not None and case.surface in SURFACE_LABELS:
            by_surface.setdefault(case.surface, Counter())[outcome] += 1
    return "; ".join(
        f"{SURFACE_LABELS[surface]}: " + ", ".join(f"{o} x{n}" for o, n in counts.most_common())
        for surface, counts in sorted(by_surface.items()))
