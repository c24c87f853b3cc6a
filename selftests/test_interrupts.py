"""Issue 26: an interrupted run tells the truth and leaves nothing behind. Against the selftests' real
Milvus 2.3.5 (a given target, so the server outlives each run and is listed afterwards through the
server itself, not taken from the suite's word), the suite is interrupted with SIGINT at several
moments; every time: exit 2, no traceback or INTERNALERROR, one "conformance: interrupted" line,
reports marked interrupted with the counts of what ran, and no user of the run on the server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from milvus_conformance import REPO_ROOT

BAD = ("Traceback", "INTERNALERROR")


@dataclass
class Interrupted:
    status: int
    output: str
    results: dict | None
    sent_after: float  # seconds after launch


def journal_has_exact_intent(state: Path) -> bool:
    """A generated case has journaled an exact name (no run prefix) and is about to send it."""
    for path in state.glob("runs/*/users-*.jsonl"):
        if '"exact": true' in path.read_text(encoding="utf-8", errors="replace"):
            return True
    return False


def run_and_interrupt(
    args: list[str], work: Path, when: Callable[[str, Path, float, int], bool], signals: int = 1, timeout: float = 300
) -> Interrupted:
    """The suite in a subprocess against the shared server; SIGINT to its whole process group (as a
    terminal's Ctrl-C reaches the xdist workers too) as soon as `when(output so far, state dir,
    seconds since launch, pid)` is true."""
    state, reports = work / "state", work / "reports"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *args,
        "-q",
        "--assert=plain",
        "--state-dir",
        str(state),
        "--reports-dir",
        str(reports),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_") and k != "PYTEST_ADDOPTS"}
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        bufsize=0,
        process_group=0,
    )
    chunks: list[bytes] = []
    reader = threading.Thread(
        target=lambda: chunks.extend(iter(lambda: os.read(proc.stdout.fileno(), 4096), b"")), daemon=True
    )
    reader.start()
    started, sent_after = time.monotonic(), -1.0
    while proc.poll() is None and time.monotonic() - started < timeout:
        if when(b"".join(chunks).decode(errors="replace"), state, time.monotonic() - started, proc.pid):
            sent_after = time.monotonic() - started
            for _ in range(signals):
                os.killpg(proc.pid, signal.SIGINT)
                time.sleep(0.05)
            break
        time.sleep(0.01)
    proc.wait(timeout=timeout)
    reader.join(timeout=10)
    results = reports / "results.json"
    return Interrupted(
        proc.returncode,
        b"".join(chunks).decode(errors="replace"),
        json.loads(results.read_text()) if results.exists() else None,
        sent_after,
    )


def catches_sigterm(output, state, elapsed, pid) -> bool:
    """The suite's first plugin is loaded (harness/early.py catches SIGTERM; Python alone does not),
    pytest is still loading the others: the earliest moment the suite answers for."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            caught = next(int(line.split()[1], 16) for line in f if line.startswith("SigCgt:"))
    except (OSError, StopIteration):
        return False
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def cases_done(count: int):
    """After `count` progress characters (one per case) of pytest -q."""

    def when(output, state, elapsed, pid) -> bool:
        body = output.split("GetVersion)", 1)[-1]
        return sum(body.count(c) for c in ".xsFE") >= count

    return when


def finished_cases(output, state, elapsed, pid) -> bool:
    return "[100%]" in output


def generated_in_flight(output, state, elapsed, pid) -> bool:
    return journal_has_exact_intent(state)


@dataclass(frozen=True)
class Moment:
    name: str
    args: tuple[str, ...]
    when: Callable
    signals: int = 1
    reports: bool = True  # False: may end before the run started (one line, no reports)


MOMENTS = [
    # before the run's own handler: pytest is still loading its plugins
    Moment("early", ("tests",), catches_sigterm, reports=False),
    Moment("during-cases", ("tests/test_create_name.py", "tests/test_state.py"), cases_done(20)),
    Moment("during-generated-cases", ("tests/test_fuzz_rest.py",), generated_in_flight),
    Moment("twice-during-generated-cases", ("tests/test_fuzz_rest.py",), generated_in_flight, signals=2),
    # cases in flight in threads (--jobs): they end, their users dropped, before the run stops
    Moment("during-cases-jobs", ("tests/test_create_name.py", "tests/test_state.py", "--jobs", "3"), cases_done(20)),
    Moment(
        "during-generated-cases-jobs",
        ("tests/test_fuzz_rest.py", "tests/test_create_name.py", "--jobs", "3"),
        generated_in_flight,
    ),
    Moment("during-cases-xdist", ("tests/test_create_name.py", "tests/test_state.py", "-n", "2"), cases_done(20)),
    # the last case is done: the workers' teardown (their users dropped), the final sweep, reports
    Moment("during-the-clean-up-xdist", ("tests/test_state.py", "-n", "2"), finished_cases),
]


@pytest.fixture
def server_users(embedded_endpoints):
    from milvus_conformance.clients.sdk import SdkClient

    client = SdkClient(embedded_endpoints.grpc_uri, embedded_endpoints.token)
    yield lambda: set(client.user_names())
    client.close()


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: m.name)
def test_an_interrupt_at_any_moment(moment, embedded_endpoints, server_users, tmp_path):
    before = server_users()
    target = [
        "--base-url",
        embedded_endpoints.base_url,
        "--grpc-uri",
        embedded_endpoints.grpc_uri,
        "--token",
        embedded_endpoints.token,
        "--profile",
        "embedded",
    ]
    run = run_and_interrupt([*moment.args, *target], tmp_path, moment.when, moment.signals)
    tail = run.output[-4000:]
    assert run.sent_after >= 0, f"the moment never came (the run ended first)\n{tail}"
    assert run.status == 2, f"exit {run.status} (SIGINT {run.sent_after:.1f} s in)\n{tail}"
    assert not [b for b in BAD if b in run.output], tail
    said = [line for line in run.output.splitlines() if "conformance: interrupted" in line]
    assert len(said) == 1, tail
    assert server_users() == before, f"left on the server: {sorted(server_users() - before)}"
    if not moment.reports and run.results is None:
        assert "before the run started" in said[0]
        return
    results = run.results
    assert results is not None, tail
    assert results["overall"] == "interrupted"
    stopped = results["interruption"]
    assert stopped["signal"] == "SIGINT" and stopped["cases_run"] == len(results["cases"])
    assert stopped["cases_planned"] >= stopped["cases_run"]
    summary = (tmp_path / "reports" / "summary.md").read_text(encoding="utf-8")
    assert "interrupted" in summary.splitlines()[2] and "CONFORMS" not in summary
    assert "interrupted" in (tmp_path / "reports" / "junit.xml").read_text(encoding="utf-8")
    assert "Verdict: interrupted" in (tmp_path / "reports" / "report.html").read_text(encoding="utf-8")
    assert "verdict: INTERRUPTED" in run.output
