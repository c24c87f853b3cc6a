"""Against a real Milvus 2.3.5: a target whose drop answers success and drops nothing (the faults
`drop-noop` over REST, `sdk-drop-noop` over gRPC). The first run fails, warns with the right count and
keeps those users journaled; the next run against the same address without the fault drops them all.
What is on the server is read from the server itself (not through the proxy, not the suite's word).

"The same address": a relay on a fixed local port, in front of the fault proxy for the first run and
of the server itself for the second (the journal belongs to the target's address)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.faults.grpc_proxy import start_grpc_fault_proxy
from milvus_conformance.faults.proxy import start_fault_proxy
from milvus_conformance.harness.ledger import run_prefix
from milvus_conformance.harness.sweep import read_journal


@dataclass(frozen=True)
class BrokenDrop:
    """One surface's scenario: the fault, the option that points the suite at the proxy, the cases."""

    surface: str
    fault: str
    option: str
    cases: tuple[str, ...]

    def start(self, endpoints):
        """(the fault proxy, its URL, the server's own URL)."""
        if self.surface == "rest":
            proxy = start_fault_proxy(endpoints.base_url, self.fault, endpoints.token, "embedded")
            return proxy, proxy.base_url, endpoints.base_url
        proxy = start_grpc_fault_proxy(endpoints.grpc_uri, self.fault)
        return proxy, proxy.uri, endpoints.grpc_uri


SCENARIOS = [
    BrokenDrop(
        "rest",
        "drop-noop",
        "--base-url",
        (
            "tests/test_state.py::test_lifecycle[rest]",
            "tests/test_rest_envelope.py::test_drop_envelope",
            "tests/test_create_name.py::test_user_name[plain-rest]",
            "tests/test_create_name.py::test_user_name[one-character-rest]",
        ),
    ),  # an exact name too
    BrokenDrop(
        "sdk",
        "sdk-drop-noop",
        "--grpc-uri",
        (
            "tests/test_state.py::test_lifecycle[sdk-utility]",
            "tests/test_state.py::test_lifecycle[sdk-client]",
            "tests/test_create_name.py::test_user_name[plain-sdk-utility]",
        ),
    ),
]
LEFT = re.compile(
    r"^warning: (\d+) users created by this run are still on the target after drop answered "
    r"success",
    re.M,
)


class Relay:
    """A fixed local port forwarding TCP to `upstream` (host, port), which may be switched between
    connections."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                if self.sock.fileno() < 0:
                    return  # closed
                continue
            server.settimeout(None)
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(src, dst), daemon=True).start()

    def close(self) -> None:
        self.sock.close()


def _pipe(src: socket.socket, dst: socket.socket) -> None:
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


def host_port(url: str) -> tuple[str, int]:
    host, port = url.split("://", 1)[-1].rsplit(":", 1)
    return host, int(port)


def run_suite(option: str, url: str, cases: list[str], work, name: str):
    """One suite run in a subprocess against `url` (--base-url or --grpc-uri only, so the suite's own
    drops and listings take the same path as the cases'). Returns (status, output, results.json)."""
    reports = work / f"reports-{name}"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *cases,
        "-q",
        "--assert=plain",
        "-p",
        "no:cacheprovider",
        option,
        url,
        "--token",
        "root:Milvus",
        "--profile",
        "embedded",
        "--state-dir",
        str(work / "state"),
        "--reports-dir",
        str(reports),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_") and k != "PYTEST_ADDOPTS"}
    out = subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )
    results = reports / "results.json"
    data = json.loads(results.read_text()) if results.exists() else None
    return out.returncode, out.stdout + out.stderr, data


class ServerUsers:
    """The server's users, read over gRPC straight from the server (no proxy, no relay)."""

    def __init__(self, endpoints):
        from milvus_conformance.clients.sdk import SdkClient

        self.client = SdkClient(endpoints.grpc_uri, endpoints.token)

    def names(self) -> set[str]:
        return set(self.client.user_names())

    def drop(self, names) -> None:
        for name in sorted(set(names) - {"root"}):
            self.client.drop_user(name)


@pytest.fixture
def server(embedded_endpoints):
    users = ServerUsers(embedded_endpoints)
    yield users
    users.client.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.fault)
def test_users_a_broken_drop_left_are_reported_kept_and_swept_next_time(scenario, embedded_endpoints, server, tmp_path):
    before = server.names()
    proxy, proxy_url, direct = scenario.start(embedded_endpoints)
    relay = Relay(host_port(proxy_url))
    url = f"http://127.0.0.1:{relay.port}"
    try:
        status, output, results = run_suite(scenario.option, url, scenario.cases, tmp_path, "broken")
        assert results is not None, output[-3000:]
        left = server.names() - before
        assert status == 1, f"exit {status}, expected 1 (drop does not drop)\n{output[-3000:]}"
        failed = {c["case_id"] for c in results["cases"] if c["status"] == "fail"}
        assert scenario.cases[0] in failed  # the lifecycle case: still listed
        assert len(left) == len(scenario.cases), sorted(left)  # each case's one user, none dropped
        prefix = run_prefix(results["run_id"])
        assert all(n.startswith(prefix) or len(n) == 1 for n in left), sorted(left)
        counted = [int(n) for n in LEFT.findall(output)]
        assert counted == [len(left)], f"warnings {counted}, on the server {sorted(left)}\n{output[-3000:]}"
        warning = f"{len(left)} users created by this run are still on the target"
        assert [w for w in results["harness_warnings"] if w.startswith(warning)]
        assert warning in (tmp_path / "reports-broken" / "summary.md").read_text()
        journal = read_journal(tmp_path / "state" / "runs" / results["run_id"])
        assert journal.leftovers == left  # kept, so the next run may drop them

        relay.upstream = host_port(direct)  # the same address, the fault gone
        status, output, results = run_suite(scenario.option, url, scenario.cases[:1], tmp_path, "fixed")
        assert status == 0, f"exit {status}\n{output[-3000:]}"
        found = f"found {len(left)} user(s) left by earlier runs against this target; removed {len(left)}"
        assert found in output, output[-3000:]
        assert results["harness_warnings"] == [] and not LEFT.search(output)
        assert server.names() == before, sorted(server.names() - before)  # none of the suite's users
        assert list((tmp_path / "state" / "runs").iterdir()) == []  # and no journal left
    finally:
        relay.close()
        proxy.stop()
        server.drop(server.names() - before)  # never leave users on the shared selftest server
