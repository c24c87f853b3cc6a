"""`--certify`: decide whether a finished run can back a claim, and write its bundle.

Refused (no bundle; the run ends with status 1 if it would otherwise have conformed): a run with no
verdict, a case skipped for a reason the profile does not state (certify/skips.py), a requirement of
the catalogue no case of the run cites (a run narrowed by -k or a path), a profile file that changed
while the run used it. A run that does not conform still gets its bundle: the claim it backs is
"does not conform", and `verify` says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from milvus_conformance.certify import skips
from milvus_conformance.certify.bundle import (
    BUNDLE_NAME,
    OPTIONAL_REPORTS,
    REPORTS,
    build_manifest,
    profile_members,
    profile_record,
    write_bundle,
)
from milvus_conformance.certify.environment import (
    conformance_env,
    redact_command,
    runtime_record,
    sha256_file,
    suite_record,
)
from milvus_conformance.results.model import RunResult, Status

MAX_LISTED = 5


@dataclass
class CertifyInput:
    run: RunResult
    reports_dir: Path
    choice: object  # contract.selection.ProfileChoice
    profile_files: list[Path]  # profile_chain(choice.profile), read when the run started
    profile_sums_at_start: list[str]
    tier: str
    command: list[str]
    exit_status: int
    secrets: list[str] = field(default_factory=list)


@dataclass
class CertifyOutcome:
    refusals: list[str]
    bundle: Path | None
    lines: list[str]  # what to print, one line each


def refusals(inp: CertifyInput) -> list[str]:
    run, out = inp.run, []
    if run.overall() is Status.ERROR or inp.exit_status not in (0, 1):
        out.append(f"the run has no verdict (exit status {inp.exit_status}): nothing to certify")
    bad = skips.unexplained(run.cases, inp.tier)
    if bad:
        shown = "; ".join(f"{j.case.case_id} ({' '.join(j.case.message.split())[:120]})" for j in bad[:MAX_LISTED])
        more = f"; and {len(bad) - MAX_LISTED} more" if len(bad) > MAX_LISTED else ""
        out.append(f"{len(bad)} skipped case(s) the profile does not explain: {shown}{more}")
    missing = skips.uncovered_requirements(run.requirements, run.cases)
    if missing:
        out.append(
            f"{len(missing)} requirement(s) of the catalogue have no case in this run "
            f"(a narrowed run cannot be certified): {', '.join(missing[:10])}"
        )
    now = [_sum(p) for p in inp.profile_files]
    if now != inp.profile_sums_at_start:
        out.append("the profile file changed while the run used it: " + ", ".join(str(p) for p in inp.profile_files))
    return out


def _sum(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError:
        return "unreadable"


def bundle_files(inp: CertifyInput) -> dict[str, bytes]:
    files = {name: (inp.reports_dir / name).read_bytes() for name in REPORTS}
    files.update(
        {name: (inp.reports_dir / name).read_bytes() for name in OPTIONAL_REPORTS if (inp.reports_dir / name).is_file()}
    )
    files.update(profile_members(inp.profile_files))
    return files


def manifest_sections(inp: CertifyInput) -> dict:
    run, t = inp.run, inp.run.target
    judged = skips.skipped(run.cases, inp.tier)
    return {
        "suite": suite_record(),
        "runtime": runtime_record(),
        "profile": profile_record(inp.choice, inp.profile_files),
        "target": {
            "base_url": t.base_url,
            "grpc_uri": t.grpc_uri,
            "embedded": t.embedded,
            "server_version": t.server_version,
            "version_source": t.version_source,
            "tls": t.tls_note or "none",
        },
        "run": {
            "run_id": run.run_id,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "tier": inp.tier,
            "overall": run.overall().value,
            "exit_status": inp.exit_status,
            "counts": run.counts(),
            "command": redact_command(inp.command, inp.secrets),
            "environment": conformance_env(inp.secrets),
        },
        "certification": {
            "tier": inp.tier,
            "skips": dict(sorted(Counter(j.category for j in judged).items())),
            "skipped_cases": [
                {"case_id": j.case.case_id, "kept_as": j.category, "reason": " ".join(j.case.message.split())}
                for j in judged
            ],
        },
    }


def certify(inp: CertifyInput) -> CertifyOutcome:
    (inp.reports_dir / BUNDLE_NAME).unlink(missing_ok=True)
    refused = refusals(inp)
    if refused:
        return CertifyOutcome(
            refused, None, [f"certify: refused: {r}" for r in refused] + ["certify: no bundle written"]
        )
    files = bundle_files(inp)
    manifest = build_manifest(files, **manifest_sections(inp))
    path = write_bundle(inp.reports_dir / BUNDLE_NAME, files, manifest)
    kept = manifest["certification"]["skips"]
    why = ", ".join(f"{n} {category}" for category, n in kept.items()) or "none"
    return CertifyOutcome(
        [],
        path,
        [
            f"certify: profile {inp.choice.name} sha256 {manifest['profile']['sha256']}",
            f"certify: skips kept, each with its reason: {why}",
            f"certify: bundle {path} (check it: milvus-conformance verify {path})",
        ],
    )
