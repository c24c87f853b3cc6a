"""How a run's profile was chosen, as the console, summary.md and report.html show it."""
from __future__ import annotations

from milvus_conformance.results.model import Target


def choice_lines(reason: str, warnings) -> list[str]:
    """`profile auto -> milvus-2.5 (server v2.5.12, from GetVersion)`, then one line per warning."""
    return ([reason] if reason else []) + [f"warning: {w}" for w in warnings]


def profile_lines(target: Target) -> list[str]:
    return choice_lines(target.profile_reason, target.profile_warnings)


def summary_target_lines(target: Target) -> list[str]:
    """The terminal summary's target line, naming the profile once: with how it was chosen (which
    also names the server version) when that is known, then one line per warning."""
    urls = f"target: {target.base_url or '-'} (REST), {target.grpc_uri or '-'} (gRPC)"
    chosen = target.profile_reason or (f"profile {target.profile}; server "
                                       f"{target.server_version or 'unknown'}")
    return [f"{urls}; {chosen}"] + [f"warning: {w}" for w in target.profile_warnings]
