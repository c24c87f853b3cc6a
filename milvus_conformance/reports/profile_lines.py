"""How a run's profile was chosen, as the console, summary.md and report.html show it."""
from __future__ import annotations

from milvus_conformance.results.model import Target


def choice_lines(reason: str, warnings) -> list[str]:
    """`profile auto -> milvus-2.5 (server v2.5.12, from GetVersion)`, then one line per warning."""
    return ([reason] if reason else []) + [f"warning: {w}" for w in warnings]


def profile_lines(target: Target) -> list[str]:
    return choice_lines(target.profile_reason, target.profile_warnings)
