"""What the target answered, in a few words: `ok`, `refused (1100)`, `HTTP 404`, `grpc.RpcError
(DEADLINE_EXCEEDED)`. Derived from a case's recorded observation (never from its message), so a
matrix or a comparison can show that two releases refuse the same input with different codes even
where each release is judged against its own profile and both cases have the same status."""
from __future__ import annotations

from collections import Counter
from typing import Any

from milvus_conformance.results.model import CaseResult, RunResult

SURFACE_LABELS = {"rest": "REST", "sdk": "SDK"}
MILVUS_EXCEPTION = "pymilvus.exceptions.MilvusException"
PARITY_SIDES = ("rest", "sdk-utility", "sdk-client")      # a parity case observes each side


def _rest_outcome(obs: dict) -> str:
    status, body = obs.get("status"), obs.get("body")
    code = body.get("code") if isinstance(body, dict) else None
    if status == 200 and code == 0:
        return "ok"
    if status == 200 and code is not None:
        return f"refused ({code})"
    return f"HTTP {status}" + (f" ({code})" if code is not None else "")


def _sdk_outcome(obs: dict) -> str:
    raised, code = obs.get("raised"), obs.get("code")
    if not raised:
        return "ok"
    if raised == MILVUS_EXCEPTION:
        return f"refused ({code})"
    short = raised.rsplit(".", 1)[-1].lstrip("_")
    if raised.startswith("grpc."):
        short = "grpc.RpcError"              # grpc's private class names say nothing more
    return f"{short} ({code})" if code is not None else short


def outcome_of(observed: Any) -> str | None:
    """One observation's outcome; a parity case's pair reads `REST refused (1100) / SDK refused (0)`."""
    if not isinstance(observed, dict):
        return None
    if "status" in observed:
        return _rest_outcome(observed)
    if "raised" in observed or "returned" in observed:
        return _sdk_outcome(observed)
    parts = [f"{'REST' if side == 'rest' else 'SDK'} {outcome_of(obs)}" for side, obs in observed.items()
             if side in PARITY_SIDES and outcome_of(obs) is not None]
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
