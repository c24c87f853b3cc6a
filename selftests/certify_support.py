"""Bundles built in code for the certify/verify self-tests: a small run that cites every requirement
of the catalogue, its reports, and `certify()` as the plugin calls it (no server needed)."""

from __future__ import annotations

from pathlib import Path

from milvus_conformance import __version__
from milvus_conformance.certify.bundle import BUNDLE_NAME, build_manifest, read_bundle, write_bundle
from milvus_conformance.certify.certify import CertifyInput, CertifyOutcome, certify
from milvus_conformance.certify.environment import profile_chain, sha256_file
from milvus_conformance.contract.requirements import load_requirements
from milvus_conformance.contract.selection import ProfileChoice
from milvus_conformance.reports import write_all
from milvus_conformance.results.model import CaseResult, Exchange, RunResult, Status, Target

TOKEN = "root:Milvus"
PROFILE_SKIP = (
    "not covered by the active profile: embedded allows no 2-byte character in a userName: "
    "bytes and characters coincide for every valid name"
)


def case(n: int, req: str, status: Status = Status.PASS, message: str = "") -> CaseResult:
    exchange = Exchange(
        "rest",
        {
            "method": "POST",
            "url": "http://127.0.0.1:19530/v2/vectordb/users/create",
            "headers": {"Authorization": "Bearer ***"},
            "body": {"userName": f"cf_user{n}", "password": "<redacted: 8 chars, 8 bytes>"},
        },
        {"status": 200, "body": {"code": 0, "data": {}}},
        "curl -H 'Authorization: Bearer $TOKEN' ...",
        "users/create",
    )
    return CaseResult(
        f"tests/test_x.py::test_case[{n}]",
        f"case {n}",
        [req],
        "rest",
        "users/create",
        status,
        message or status.value,
        {"code": 0},
        {"code": 0},
        "embedded: users.protected" if status is Status.KNOWN_DEVIATION else "",
        0.01,
        [exchange],
    )


def make_run(extra: list[CaseResult] = (), drop_requirement: str = "") -> RunResult:
    reqs = list(load_requirements().values())
    cases = [case(n, r.id) for n, r in enumerate(reqs) if r.id != drop_requirement]
    cases += [
        case(900, reqs[0].id, Status.SKIP, PROFILE_SKIP),
        case(901, reqs[0].id, Status.SKIP, "nightly tier only (--tier nightly)"),
        case(902, reqs[1].id, Status.KNOWN_DEVIATION, "as the profile declares"),
        *extra,
    ]
    target = Target(
        "http://127.0.0.1:19530",
        "http://127.0.0.1:19530",
        "embedded",
        True,
        "v2.3.5-lite",
        "embedded",
        "profile embedded",
        "GetVersion",
    )
    return RunResult(
        "run1", target, __version__, _spec(), "2026-12-04T10:00:00+00:00", "2026-12-04T10:01:00+00:00", reqs, cases
    )


def _spec() -> str:
    from milvus_conformance.contract.spec import spec_version

    return spec_version()


def certify_run(
    run: RunResult, reports: Path, exit_status: int | None = None, command: list[str] | None = None
) -> CertifyOutcome:
    write_all(run, reports)
    chain = profile_chain("embedded")
    choice = ProfileChoice("embedded", "embedded", "embedded", "2.3.5", "GetVersion", "profile embedded")
    status = exit_status if exit_status is not None else (1 if run.overall().is_conformance_problem else 0)
    return certify(
        CertifyInput(
            run,
            reports,
            choice,
            chain,
            [sha256_file(p) for p in chain],
            "gate",
            command or ["pytest", "tests", "--certify", "--token", TOKEN],
            status,
            [TOKEN],
        )
    )


def rewrite(bundle_path: Path, change, resum: bool = True) -> Path:
    """Apply `change(files, manifest)` and write the bundle again; `resum`: fix the manifest's sums,
    as a forger would, so that only the deeper checks can catch it."""
    bundle = read_bundle(bundle_path)
    files, manifest = dict(bundle.files), dict(bundle.manifest)
    change(files, manifest)
    if resum:
        manifest = {**manifest, "files": build_manifest(files)["files"]}
    out = bundle_path.with_name("tampered-" + BUNDLE_NAME)
    return write_bundle(out, files, manifest)
