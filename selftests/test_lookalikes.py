"""The suite against the real Milvus look-alikes (PyPI milvus-lite 2.5.1 and 3.2.2, CF section 8):
both serve the Milvus gRPC API, answer every user call with UNIMPLEMENTED and accept any token. Each
must get a verdict, not an error: exit 1, the missing operations in the first line (authorization
disabled second, no --allow-auth-disabled hint: the verdict needs none), every report written, the
cases not implemented or skipped with the reason, nothing left running or journaled. Installed on
first use under .conformance/lookalikes/ (PyPI); each start takes about 0.1 s (2.5.1) and 1-2 s (3.2.2).
"""

import json
import os
import subprocess
import sys

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.results.io import read_results
from milvus_conformance.target.lookalikes.catalogue import LOOKALIKES, lookalike
from milvus_conformance.target.lookalikes.server import TOKEN, LookalikeServer

REPORTS = ("results.json", "junit.xml", "report.html", "summary.md", "parity.md")
MISSING = (
    "users/create, users/list, users/describe, users/update_password, users/drop are not "
    "implemented on the SDK surface (UNIMPLEMENTED)"
)


def _suite(state, reports, *args):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "--assert=plain",
            "--token",
            TOKEN,
            "--state-dir",
            str(state),
            "--reports-dir",
            str(reports),
            *args,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module", params=sorted(LOOKALIKES))
def lookalike_run(request, tmp_path_factory):
    """One run of the whole gate tier against a fresh look-alike, with a journal left by a dead
    earlier run for a create that server never executed."""
    la = lookalike(request.param)
    tmp = tmp_path_factory.mktemp(la.name)
    state, reports = tmp / "state", tmp / "reports"
    with LookalikeServer(la, REPO_ROOT / ".conformance") as server:
        old = state / "runs" / "zzzzzz"
        old.mkdir(parents=True)
        (old / "owner.json").write_text(
            json.dumps({"pid": 2**22 + 7, "target": f"|{server.grpc_uri}", "embedded": False})
        )
        (old / "users-main.jsonl").write_text(
            json.dumps({"event": "intent", "name": "cfzzzzzz_a", "exact": False, "pid": 2**22 + 7}) + "\n"
        )
        done = _suite(state, reports, "--grpc-uri", server.grpc_uri, "--profile", "auto")
        pid = server._proc.pid
    return la, done, state, reports, pid


def test_a_lookalike_gets_a_verdict_with_the_reason_up_front(lookalike_run):
    la, done, _, _, _ = lookalike_run
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    first = next(line for line in done.stdout.splitlines() if line.startswith("conformance: "))
    assert first.startswith(f"conformance: {MISSING}")
    assert first.endswith("the target also has authorization disabled (it accepts any token)")
    assert "--allow-auth-disabled" not in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert "verdict: DOES NOT CONFORM (operations not implemented)" in done.stdout


def test_every_report_is_written_and_tells_the_statuses_apart(lookalike_run):
    _, _, _, reports, _ = lookalike_run
    for name in REPORTS:
        assert (reports / name).is_file(), name
    run = read_results(reports / "results.json")  # validated against specs/results.schema.json
    assert run.missing_operations == {
        "sdk": {
            op: "UNIMPLEMENTED"
            for op in ("users/create", "users/list", "users/describe", "users/update_password", "users/drop")
        }
    }
    statuses = {c.status.value for c in run.cases}
    assert statuses == {"not_implemented", "not_applicable", "skipped_by_choice"}, statuses
    for case in run.cases:
        if case.status.value == "not_implemented":
            assert case.surface.value == "sdk" and case.requirements
            assert case.message == f"{case.operation} is not implemented on the SDK surface (UNIMPLEMENTED)"
        if case.status.value == "not_applicable":
            assert case.surface.value in ("rest", "both"), case.case_id  # no REST API given
    assert run.requirement_status("USER-CREATE-NAME-LENGTH").value == "not_implemented"
    summary = (reports / "summary.md").read_text()
    assert MISSING in summary and "not implemented" in summary
    assert 'type="not-implemented"' in (reports / "junit.xml").read_text()
    assert "s-not_implemented" in (reports / "report.html").read_text()


def test_auto_says_why_the_version_is_unknown_and_what_it_fell_back_to(lookalike_run):
    la, done, _, _, _ = lookalike_run
    why = {
        "milvus-lite-2.5.1": "the server did not say its version (GetVersion: UNIMPLEMENTED)",
        "milvus-lite-3.2.2": "the server reports an unparsable version 'milvus_lite-3.2.2'",
    }[la.name]
    assert f"warning: profile auto: {why}, so it fell back to documented" in done.stdout
    assert "--grpc-uri)" not in done.stdout  # given already: not advised


def test_nothing_is_left_running_or_journaled(lookalike_run):
    _, done, state, _, pid = lookalike_run
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not list((state / "runs").iterdir()), "the run's journal and the never-executed create's"
    assert "left by earlier runs" not in done.stdout


def test_a_rest_url_on_the_grpc_port_says_so(tmp_path):
    with LookalikeServer(lookalike("milvus-lite-2.5.1"), REPO_ROOT / ".conformance") as server:
        done = _suite(tmp_path / "state", tmp_path / "reports", "--base-url", server.grpc_uri)
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"{server.grpc_uri}: this port speaks gRPC: pass it as --grpc-uri" in done.stdout + done.stderr


def _stale_journal(state, grpc_uri):
    """A dead earlier run's write-ahead entry for a create this server never executed."""
    old = state / "runs" / "zzzzzz"
    old.mkdir(parents=True)
    (old / "owner.json").write_text(json.dumps({"pid": 2**22 + 7, "target": f"|{grpc_uri}", "embedded": False}))
    (old / "users-main.jsonl").write_text(
        json.dumps({"event": "intent", "name": "cfzzzzzz_a", "exact": False, "pid": 2**22 + 7}) + "\n"
    )


def test_discover_writes_a_profile_that_says_user_operations_are_not_implemented(tmp_path):
    import yaml

    out, state = tmp_path / "lite.yaml", tmp_path / "state"
    with LookalikeServer(lookalike("milvus-lite-2.5.1"), REPO_ROOT / ".conformance") as server:
        _stale_journal(state, server.grpc_uri)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "milvus_conformance.cli",
                "discover",
                "--grpc-uri",
                server.grpc_uri,
                "--token",
                TOKEN,
                "--name",
                "lite",
                "--out",
                str(out),
                "--state-dir",
                str(state),
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (
        done.stdout.splitlines()[0] == f"conformance: {MISSING}; the target also has "
        "authorization disabled (it accepts any token)"
    )
    assert "drop_user" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    text = out.read_text()
    assert f"# The target does not implement user operations: {MISSING}." in text
    values = yaml.safe_load(text)["values"]
    assert values and all(v["value"] is None for v in values.values())
    assert all(f"user operations not implemented: {MISSING}" in v["source"] for v in values.values())
    assert not list((state / "runs").iterdir()), "the never-executed create's journal is closed"
    assert "left by earlier runs" not in done.stdout
