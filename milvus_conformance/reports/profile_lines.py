"""How a run's profile was chosen, as the console summary, summary.md and report.html show it."""
from __future__ import annotations

from milvus_conformance.results.model import Target


def profile_lines(target: Target) -> list[str]:
    """`profile auto -> milvus-2.5 (server v2.5.12, from GetVersion)`, then one line per warning."""
    lines = [target.profile_reason] if target.profile_reason else []
    return lines + [f"warning: {w}" for w in target.profile_warnings]
