"""Issue 23: the embedded target starts while pytest imports its plugins (harness/prestart.py, decided
by harness/prestart_decision.py from harness/early.py). Which command lines start it early (the
decision table, read by a real pytest Config: prestart_decisions.py); the session start takes it over
only when the run asks for that same target, and otherwise stops it and starts its own; a failure of
the early start is the normal start's failure (one line, exit 3); an interrupt during it stops its
server group (exit 2, one line). The real-server scenarios run in a private network namespace
(prestart_scenarios.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.errors import ExitStatus

HERE = Path(__file__).resolve().parent
STATE = str(REPO_ROOT / ".conformance")
DEFAULT = {"state_dir": STATE, "version": "2.3.5", "tls_mode": None, "standard_errors": False}
GIVEN = {"CONFORMANCE_TOKEN": "root:Milvus"}
# (name, command line, environment, the plan it starts early or None)
TABLE = [
    ("make-conformance", ["tests", "-q", "-n", "0"], {}, DEFAULT),
    ("no-arguments-testpaths", [], {}, DEFAULT),
    ("one-file", ["tests/test_state.py", "-x"], {}, DEFAULT),
    ("xdist-controller", ["tests", "-n", "2", "--dist", "load"], {}, DEFAULT),
    ("embedded-tls", ["tests", "--embedded-tls", "one-way"], {}, {**DEFAULT, "tls_mode": "one-way"}),
    ("embedded-tls-from-env", ["tests"], {"CONFORMANCE_EMBEDDED_TLS": "mutual"}, {**DEFAULT, "tls_mode": "mutual"}),
    ("standard-errors", ["tests", "--embedded-standard-errors"], {}, {**DEFAULT, "standard_errors": True}),
    ("state-dir", ["tests", "--state-dir", "/tmp/s"], {}, {**DEFAULT, "state_dir": "/tmp/s"}),
    ("certified-xdist", ["tests", "-n", "2", "--certify", "--reports-dir", "/tmp/r"], {}, DEFAULT),
    ("jobs", ["tests", "--jobs", "auto"], {}, DEFAULT),
    ("state-dir-from-env", ["tests"], {"CONFORMANCE_STATE_DIR": "/tmp/e"}, {**DEFAULT, "state_dir": "/tmp/e"}),
    ("addopts-env", ["tests"], {"PYTEST_ADDOPTS": "--embedded-standard-errors"}, {**DEFAULT, "standard_errors": True}),
    ("base-url", ["tests", "--base-url", "http://127.0.0.1:1", "--token", "a:b"], {}, None),
    ("grpc-uri", ["tests", "--grpc-uri", "http://127.0.0.1:1", "--token", "a:b"], {}, None),
    ("base-url-from-env", ["tests"], {"CONFORMANCE_BASE_URL": "http://127.0.0.1:1", **GIVEN}, None),
    ("grpc-uri-from-env", ["tests"], {"CONFORMANCE_GRPC_URI": "http://127.0.0.1:1", **GIVEN}, None),
    ("given-in-addopts-env", ["tests"], {"PYTEST_ADDOPTS": "--grpc-uri http://127.0.0.1:1", **GIVEN}, None),
    ("collect-only", ["tests", "--collect-only"], {}, None),
    ("co", ["tests", "--co", "-q"], {}, None),
    ("co-in-addopts-env", ["tests"], {"PYTEST_ADDOPTS": "--co"}, None),
    ("help", ["tests", "--help"], {}, None),
    ("h", ["-h"], {}, None),
    ("version", ["--version"], {}, None),
    ("fixtures", ["tests", "--fixtures"], {}, None),
    ("markers", ["--markers"], {}, None),
    ("xdist-worker", ["tests"], {"PYTEST_XDIST_WORKER": "gw0"}, None),
    ("selftests", ["selftests/test_config.py"], {}, None),
    ("pyargs", ["--pyargs", "tests"], {}, None),
    ("unknown-option", ["tests", "--no-such-option"], {}, None),
    ("bad-configuration", ["tests", "--embedded-tls", "sideways"], {}, None),
    ("bad-configuration-from-env", ["tests"], {"CONFORMANCE_MAX_USERS": "many"}, None),
]


@pytest.fixture(scope="module")
def decisions() -> dict:
    rows = [{"args": args, "env": env} for _name, args, env, _plan in TABLE]
    done = subprocess.run(
        [sys.executable, str(HERE / "prestart_decisions.py")],
        input=json.dumps(rows),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(zip([name for name, *_ in TABLE], json.loads(done.stdout)))


@pytest.mark.parametrize("name, args, env, plan", TABLE, ids=[row[0] for row in TABLE])
def test_which_command_lines_start_the_embedded_target_early(decisions, name, args, env, plan):
    decision = decisions[name]
    assert decision["plan"] == plan, decision["reason"]


def test_the_early_parser_knows_every_option_a_run_of_the_suite_may_carry():
    """pytest's, the light plugins' and the suite's (also those of its own plugins, read without
    importing them: options.PLUGIN_OPTIONS); schemathesis and anyio may add none a run would give."""
    done = subprocess.run(
        [sys.executable, str(HERE / "prestart_decisions.py"), "--options"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    known = json.loads(done.stdout)
    unknown = sorted(set(known["full"]) - set(known["early"]) - {"--anyio-mode"})
    assert not unknown, f"options the early start cannot read (it would not start early): {unknown}"


INJECT = """
import sys, threading
from milvus_conformance.errors import EmbeddedStartError
from milvus_conformance.target.embedded.target import EmbeddedTarget

def start(self):
    raise EmbeddedStartError(f"cannot start the embedded Milvus: injected ({threading.current_thread().name})")

EmbeddedTarget.start = start
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


def _suite_with_a_failing_start(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONFORMANCE_", "PYTEST_"))}
    args = ["tests/test_state.py", "-q", "--state-dir", str(tmp_path / "state"), "--reports-dir", str(tmp_path / "r")]
    return subprocess.run(
        [sys.executable, "-c", INJECT, *args, *extra],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_failure_of_the_early_start_is_reported_as_a_normal_start_failure(tmp_path):
    early = _suite_with_a_failing_start(tmp_path / "early")
    # without harness/early.py (pyproject.toml's addopts less it): the target is started at the session start
    normal = _suite_with_a_failing_start(tmp_path / "normal", "-o", "addopts=-p no:cacheprovider -rfE")
    for run, thread in ((early, "embedded-target-prestart"), (normal, "MainThread")):
        output = run.stdout + run.stderr
        assert run.returncode == ExitStatus.INFRASTRUCTURE, output[-3000:]
        assert "Traceback" not in output and "INTERNALERROR" not in output, output[-3000:]
        said = [line for line in output.splitlines() if line.startswith("conformance:")]
        assert said == [f"conformance: cannot start the embedded Milvus: injected ({thread})"], output[-3000:]
    same = (early.stdout + early.stderr).replace("embedded-target-prestart", "MainThread")
    assert same.splitlines() == (normal.stdout + normal.stderr).splitlines()


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> dict:
    if shutil.which("unshare") is None:
        pytest.fail("the early start's scenarios need `unshare -n` (util-linux) for a network namespace of their own")
    work = tmp_path_factory.mktemp("prestart")
    out = work / "scenarios.json"
    command = f"ip link set lo up && exec {sys.executable} {HERE / 'prestart_scenarios.py'} {out} {work}"
    done = subprocess.run(["unshare", "-n", "sh", "-c", command], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


def test_the_session_start_takes_over_the_target_started_early(scenarios):
    assert scenarios["match"] == {"same_object": True, "answers": True, "group_gone_after_stop": True}


def test_another_target_asked_for_stops_the_early_one_and_starts_its_own(scenarios):
    assert scenarios["mismatch"] == {
        "another_object": True,
        "early_group_gone": True,
        "early_data_gone": True,
        "answers": True,
        "standard_errors": True,
        "group_gone_after_stop": True,
    }


def test_an_interrupt_while_the_session_start_waits_stops_the_server_group(scenarios):
    assert scenarios["interrupted-wait"] == {"raised": True, "group_gone": True, "data_gone": True}


def test_an_interrupt_during_the_early_start_is_exit_2_one_line_and_stops_the_server_group(scenarios):
    seen = scenarios["interrupted-early"]
    assert seen["sent"], f"the early start never spawned its server\n{seen['output']}"
    assert seen["status"] == ExitStatus.INTERRUPTED, seen["output"]
    assert "Traceback" not in seen["output"] and "INTERNALERROR" not in seen["output"], seen["output"]
    said = [line for line in seen["output"].splitlines() if "conformance: interrupted" in line]
    assert len(said) == 1 and "before the run started" in said[0], seen["output"]
    assert seen["group_gone"] and seen["data_gone"] and not seen["reports"], seen
