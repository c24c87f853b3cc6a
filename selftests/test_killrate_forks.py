"""Issue 23: the kill-rate runs forked from one warm process (faults/fork_server.py) give what runs in
fresh interpreters give: the same exit status and output for a suite run, and the same kills for a
fault of each layer (REST proxy, gRPC proxy, client patch) against the selftests' real server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.faults import killrate_runner
from milvus_conformance.faults.catalogue import by_name
from milvus_conformance.faults.fork_server import ForkServer, ForkUnavailable

FAULTS = ("content-type-text", "sdk-drop-noop", "sdk-using-ignored")  # http, grpc, client
GIVEN = ["--base-url", "http://127.0.0.1:9", "--grpc-uri", "http://127.0.0.1:9", "--token", "a:b"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    forks = ForkServer(killrate_runner._env({}), tmp_path_factory.mktemp("forks") / "fork-server.log")
    yield forks
    forks.close()


def test_the_warm_process_has_one_thread_to_fork_from(server):
    assert server.threads == 1


def test_a_run_with_assertion_rewriting_is_not_forked(server, tmp_path):
    with pytest.raises(ForkUnavailable):
        server.run(["tests", "--collect-only", *GIVEN], killrate_runner._env({}), REPO_ROOT, tmp_path / "log")


@pytest.mark.parametrize(
    "args",
    [
        ["tests", "--collect-only", "-q", "--assert=plain", "-p", "no:cacheprovider", *GIVEN],
        ["tests", "-q", "--assert=plain", "--no-such-option"],  # pytest's usage error
        [
            "tests",
            "-q",
            "--assert=plain",
            "--max-users",
            "1",
            *GIVEN,
        ],  # the suite's configuration error (one line, exit 4)
    ],
    ids=["collect", "usage-error", "configuration-error"],
)
def test_a_forked_run_exits_and_says_what_a_fresh_interpreter_does(server, tmp_path, args):
    env = killrate_runner._env({})
    forked = server.run(args, env, REPO_ROOT, tmp_path / "forked.log")
    fresh = subprocess.run(
        [sys.executable, "-m", "pytest", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    said = (tmp_path / "forked.log").read_text()
    assert forked == fresh.returncode
    timing = [" in ", "s\n"]  # pytest's "N tests collected in 0.27s": the seconds differ
    strip = [line for line in (fresh.stdout + fresh.stderr).splitlines() if not all(t in line + "\n" for t in timing)]
    assert [line for line in said.splitlines() if not all(t in line + "\n" for t in timing)] == strip


def test_faults_are_killed_alike_forked_and_in_fresh_interpreters(embedded_endpoints, tmp_path):
    ep = killrate_runner.Endpoints(embedded_endpoints.base_url, embedded_endpoints.grpc_uri, embedded_endpoints.token)
    (tmp_path / "collect").mkdir()
    cites = killrate_runner.collect(ep, "embedded", tmp_path / "collect")
    outcomes, forked = {}, {}
    for forks in (True, False):
        kr = killrate_runner.KillRate(ep, work=tmp_path / f"forks-{forks}", forks=forks)
        kr.cites = cites  # the same cases for both ways (no clean run: its durations would differ)
        try:
            outcomes[forks] = {name: kr.run_fault(by_name(name)) for name in FAULTS}
            forked[forks] = kr._forks.forked
        finally:
            kr.close()
    assert forked == {True: len(FAULTS), False: 0}
    for name in FAULTS:
        a, b = outcomes[True][name], outcomes[False][name]
        print(f"{name}: forked {a.seconds} s, fresh interpreter {b.seconds} s")  # a figure, never asserted
        seen = [(r.status, r.killed_by, r.selected, r.not_run, r.failed_requirements, r.exit_status) for r in (a, b)]
        assert seen[0] == seen[1], name
        assert a.status == "killed", (name, a.note)
