"""Issue 26: connection failures during clean-up are retried with backoff (a new connection each time
where one can be made), what the target answered never is, and the ledger drops its users through a
connection that fails twice (a GOAWAY, then a failed reconnect)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.errors import HarnessError, TargetUnreachable
from milvus_conformance.harness.ledger import Journal, UserLedger, run_prefix
from milvus_conformance.harness.retry import PatientAdmin


class FlakyAdmin:
    """Fails the first `failures` calls as if the connection dropped, then answers."""

    def __init__(self, failures: int, names=()):
        self.failures, self.names, self.calls = failures, set(names), 0

    def _maybe_fail(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise TargetUnreachable("SDK target unreachable during list_users")

    def user_names(self):
        self._maybe_fail()
        return sorted(self.names)

    def drop_user(self, name):
        self._maybe_fail()
        self.names.discard(name)


def test_a_connection_failure_is_retried_with_backoff_and_a_new_connection():
    made, slept = [], []

    def connect():
        made.append(FlakyAdmin(1 if not made else 0, ["root", "u"]))
        return made[-1]

    admin = PatientAdmin(connect, sleep=slept.append)
    assert admin.user_names() == ["root", "u"]
    assert len(made) == 2 and slept == [0.5] and admin.retries == 1


def test_it_gives_up_after_the_backoff():
    slept = []
    admin = PatientAdmin.around(FlakyAdmin(99), sleep=slept.append)
    with pytest.raises(TargetUnreachable):
        admin.user_names()
    assert slept == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0]


def test_what_the_target_answered_is_never_retried():
    class Refusing(FlakyAdmin):
        def drop_user(self, name):
            self.calls += 1
            raise HarnessError("could not drop 'u': HTTP 200 code 65535")

    inner = Refusing(0, ["u"])
    with pytest.raises(HarnessError):
        PatientAdmin.around(inner, sleep=lambda s: None).drop_user("u")
    assert inner.calls == 1


def test_the_ledger_drops_its_users_through_a_dropped_connection(tmp_path):
    flaky = FlakyAdmin(0, [])
    ledger = UserLedger(
        "abc123",
        Journal(tmp_path, "abc123"),
        PatientAdmin.around(flaky, sleep=lambda s: None),
        5,
        protected=frozenset({"root"}),
    )
    for name in ("cfabc123_a", "cfabc123_b"):
        ledger.will_create(name)
        flaky.names.add(name)
        ledger.created(name)
    flaky.failures = flaky.calls + 2  # the next two calls fail: a GOAWAY, a failed reconnect
    assert ledger.release_all() == ["cfabc123_a", "cfabc123_b"]
    assert flaky.names == set() and not ledger.stuck


# ---- against the real server: the final sweep through connections that are cut ------------------
class CuttingRelay:
    """A TCP relay that can cut every open connection (as a GOAWAY does) and then refuse new ones for
    a while (a gateway restarting)."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.refuse_until, self.open = upstream, 0.0, []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self, refuse_s: float) -> None:
        self.refuse_until = time.monotonic() + refuse_s
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if time.monotonic() < self.refuse_until:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            self.open += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(src, dst), daemon=True).start()

    def close(self) -> None:
        self.sock.close()


def _pipe(src, dst) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _events(state: Path, event: str) -> int:
    return sum(p.read_text(errors="replace").count(f'"event": "{event}"') for p in state.glob("runs/*/users-*.jsonl"))


def test_a_cleanup_that_must_reconnect_keeps_the_verdict(embedded_endpoints, tmp_path):
    """A killed run's user is on the server, journaled, for the final sweep to drop. Once both cases
    have dropped their users (-n 2: the controller then waits for its workers before the sweep),
    every connection through the relay is cut and new ones are refused for 12 s: the sweep's
    connection fails and is made again after backoff. The run keeps its verdict: exit 0, no warning,
    no harness error, nothing of the suite's left on the server."""
    from milvus_conformance.clients.sdk import SdkClient

    admin = SdkClient(embedded_endpoints.grpc_uri, embedded_endpoints.token)
    before = set(admin.user_names())
    state = tmp_path / "state"
    relay = CuttingRelay(("127.0.0.1", int(embedded_endpoints.grpc_address.rsplit(":", 1)[1])))
    cases = ["tests/test_state.py::test_lifecycle[sdk-utility]", "tests/test_state.py::test_lifecycle[sdk-client]"]

    def leave_a_user():
        deadline = time.monotonic() + 120
        while _events(state, "created") < 1 and time.monotonic() < deadline:
            time.sleep(0.01)  # the start-of-run sweep is over: leave a killed run's user
        name = run_prefix("dead26") + "x"
        admin.call("utility.create_user", name, "Passw0rd!")
        dead = state / "runs" / "dead26"  # its pid is dead (not ours: we are alive)
        dead.mkdir(parents=True)
        (dead / "users-main.jsonl").write_text(
            json.dumps({"event": "intent", "name": name, "pid": 2**22 + 4321}) + "\n"
        )
        (dead / "owner.json").write_text(json.dumps({"pid": 2**22 + 4321, "target": "?"}))

    watcher = threading.Thread(target=leave_a_user, daemon=True)
    watcher.start()
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *cases,
        "-q",
        "-n",
        "2",
        "--grpc-uri",
        f"http://127.0.0.1:{relay.port}",
        "--token",
        embedded_endpoints.token,
        "--profile",
        "embedded",
        "--state-dir",
        str(state),
        "--reports-dir",
        str(tmp_path / "reports"),
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
    )
    chunks: list[bytes] = []
    try:
        while chunk := os.read(proc.stdout.fileno(), 4096):
            chunks.append(chunk)
            if relay.refuse_until == 0 and b"[100%]" in b"".join(chunks):
                relay.cut(12)  # every case has its verdict: the workers end, then the sweep
        proc.wait(timeout=600)
    finally:
        relay.close()
        watcher.join(timeout=30)
    output = b"".join(chunks).decode(errors="replace")
    out = subprocess.CompletedProcess(cmd, proc.returncode)
    results = json.loads((tmp_path / "reports" / "results.json").read_text())
    try:
        assert relay.refuse_until > 0, "the cut never happened"
        assert out.returncode == 0, f"exit {out.returncode}\n{output[-3000:]}"
        assert results["overall"] == "pass" and results["harness_errors"] == [], results["harness_errors"]
        assert results["harness_warnings"] == [], results["harness_warnings"]
        assert set(admin.user_names()) == before, (sorted(set(admin.user_names()) - before), output[-2500:])
    finally:
        admin.close()
