"""The early start (harness/prestart.py) against the REAL embedded target, run by test_prestart.py in
a private network namespace of its own (one Milvus per namespace: the selftests' shared server may be
running in the parent one). Writes one JSON document with what each scenario observed.

- match: the session start takes over the target started early (the same object, reachable);
- mismatch: a run whose configuration asks for another target stops the early one (its server group
  gone) and starts its own;
- interrupted-wait: a signal while the session start waits for the early start stops its group;
- interrupted-early: the suite interrupted (SIGINT to its process group, as a terminal's Ctrl-C) while
  the early start is under way, before the session start: exit 2, one line, its server group gone.

    python selftests/prestart_scenarios.py OUT.json WORK_DIR
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from milvus_conformance.harness import endpoints  # noqa: E402
from milvus_conformance.harness.config import from_values  # noqa: E402
from milvus_conformance.harness.prestart import Plan, Prestart  # noqa: E402
from milvus_conformance.target.embedded import server  # noqa: E402


def group_alive(pgid: int | None) -> bool:
    return pgid is not None and server.group_alive(pgid)  # a zombie waiting for init to reap it has ended


def answers(base_url: str, grpc_uri: str) -> bool:
    for url in (base_url, grpc_uri):
        host, port = url.rsplit("/", 1)[-1].rsplit(":", 1)
        try:
            socket.create_connection((host, int(port)), timeout=5).close()
        except OSError:
            return False
    return True


def config(work: Path, **values):
    return from_values({"state_dir": str(work / "state"), **values}, env={})


def begun(work: Path) -> Prestart:
    prestart = Prestart()
    prestart.begin(Plan.of(config(work)))
    return prestart


def wait_for_group(prestart: Prestart, timeout: float = 30.0) -> tuple[int | None, str | None]:
    """(the early start's server group, its data directory) once it is spawned."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = prestart._target.server
        if server is not None and server.info is not None:
            return server.info.pgid, server.info.data_dir
        time.sleep(0.01)
    return None, None


def match(work: Path) -> dict:
    prestart = begun(work)
    group, _data_dir = wait_for_group(prestart)
    ep, embedded = endpoints.start(config(work), report=lambda line: None, early=prestart)
    seen = {"same_object": embedded is prestart, "answers": answers(ep.base_url, ep.grpc_uri)}
    embedded.stop()
    return {**seen, "group_gone_after_stop": not group_alive(group)}


def mismatch(work: Path) -> dict:
    prestart = begun(work)
    early_group, early_data = wait_for_group(prestart)
    ep, embedded = endpoints.start(
        config(work, embedded_standard_errors=True), report=lambda line: None, early=prestart
    )
    seen = {
        "another_object": embedded is not prestart,
        "early_group_gone": not group_alive(early_group),
        "early_data_gone": early_data is not None and not Path(early_data).exists(),
        "answers": answers(ep.base_url, ep.grpc_uri),
        "standard_errors": embedded.standard_errors,
    }
    group = embedded.server.group
    embedded.stop()
    return {**seen, "group_gone_after_stop": not group_alive(group)}


def interrupted_wait(work: Path) -> dict:
    prestart = begun(work)
    group, data_dir = wait_for_group(prestart)

    def interrupt(signum, frame):
        raise KeyboardInterrupt("SIGALRM")

    signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)  # well before Milvus is ready (seconds)
    try:
        endpoints.start(config(work), report=lambda line: None, early=prestart)
        raised = False
    except KeyboardInterrupt:
        raised = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    gone = data_dir is not None and not Path(data_dir).exists()
    return {"raised": raised, "group_gone": not group_alive(group), "data_gone": gone}


def server_group_of(pid: int) -> tuple[int, str] | None:
    """(the process group, the data directory) of a milvus-server child of `pid` (the suite's)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        words = cmdline.decode(errors="replace").split("\0")
        if int(fields[1]) == pid and any(w.endswith("milvus-server") for w in words) and "--data" in words:
            return int(fields[2]), words[words.index("--data") + 1]
    return None


def interrupted_early(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONFORMANCE_", "PYTEST_"))}
    cmd = [sys.executable, "-m", "pytest", "tests", "-q", "--state-dir", str(work / "state-suite")]
    cmd += ["--reports-dir", str(work / "reports")]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, process_group=0)
    found, deadline = None, time.monotonic() + 60
    while found is None and proc.poll() is None and time.monotonic() < deadline:
        found = server_group_of(proc.pid)
        time.sleep(0.005)
    group, data_dir = found or (None, None)
    if group is not None:
        os.killpg(proc.pid, signal.SIGINT)
    output = proc.communicate(timeout=120)[0].decode(errors="replace")
    time.sleep(0.5)
    return {
        "sent": group is not None,
        "status": proc.returncode,
        "output": output[-3000:],
        "group_gone": not group_alive(group),
        "data_gone": data_dir is not None and not Path(data_dir).exists(),
        "reports": (work / "reports" / "results.json").exists(),
    }


def main(out: Path, work: Path) -> None:
    scenarios = {"match": match, "mismatch": mismatch, "interrupted-wait": interrupted_wait}
    scenarios["interrupted-early"] = interrupted_early
    seen = {}
    for name, scenario in scenarios.items():
        (work / name).mkdir(parents=True, exist_ok=True)
        seen[name] = scenario(work / name)
    out.write_text(json.dumps(seen, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
