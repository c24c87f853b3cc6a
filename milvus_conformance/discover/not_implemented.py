"""Discover against a target that lacks user operations (issue 21; e.g. PyPI milvus-lite, CF section
8): the capability check names what is missing before anything is created; a surface that lacks any
user operation is not probed (as if it was not given), and every key of it - every key, when no
surface is left - is null with that reason. The profile says so in its header and is written (exit
0). Journals of earlier runs against a target that implements no create are closed quietly."""

from __future__ import annotations

from dataclasses import replace

from milvus_conformance.contract.profiles import documented
from milvus_conformance.discover.findings import Finding
from milvus_conformance.harness import capability_check
from milvus_conformance.harness.journal_resolution import close_never_created
from milvus_conformance.results.missing import OPERATIONS, first_line

NOT_IMPLEMENTED = "user operations not implemented: {line}"


def check(ctx, report) -> dict[str, dict[str, str]]:
    """Capability check and preflight of a discovery; a surface lacking operations is taken off the
    context. Returns what is missing (surface -> operation -> how the target said so)."""
    caps = capability_check.check(ctx)
    for line in capability_check.preflight(ctx, caps):
        report(line)
    if caps.missing:
        close_never_created(ctx.config.state_dir, ctx.fingerprint, caps.missing)
    if "rest" in caps.missing:
        ctx.base_url = None
    if "sdk" in caps.missing:
        ctx.grpc_uri = None
    return caps.missing


def requests(missing: dict) -> int:
    """What the capability check sent: one call per operation on each surface it checked."""
    return len(OPERATIONS) * len(missing)


def reason(missing: dict) -> str:
    return NOT_IMPLEMENTED.format(line=first_line(missing))


def all_null(missing: dict) -> list[Finding]:
    """Every key of the documented profile, null with the reason (no surface left to probe)."""
    why = reason(missing)
    return [Finding(key, None, why, observed=False) for key in sorted(documented().keys())]


def mark_surfaces(items: list[Finding], missing: dict) -> list[Finding]:
    """The keys of a surface that lacks operations say so (instead of `no --grpc-uri given`)."""
    out = []
    for item in items:
        surface = item.key.split(".", 1)[0]
        if surface in missing and not item.observed:
            item = replace(item, how=reason({surface: missing[surface]}))
        out.append(item)
    return out


def header(missing: dict) -> list[str]:
    return [f"# The target does not implement user operations: {first_line(missing)}."] if missing else []
