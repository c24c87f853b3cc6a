"""Several embedded Milvus servers run side by side on one machine, in one network namespace: every
port is a server's own (the embedded etcd's too: target/embedded/etcd_config.py), and a run sweeps
only the servers an earlier run left behind, never the server of a run going on beside it
(target/embedded/server_records.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from milvus_conformance import REPO_ROOT
from milvus_conformance.target.embedded import server_records
from milvus_conformance.target.embedded.server import ROOT_TOKEN, EmbeddedServer

# a few cases of both surfaces: enough for a run that creates users and sweeps its state dir
SMOKE = "test_rest_envelope or test_sdk_create_user"


def _group(tmp_path: Path, name: str) -> tuple[subprocess.Popen, Path]:
    """A stand-in for a server: a process group of its own, with a data directory."""
    data = tmp_path / name
    data.mkdir()
    return subprocess.Popen(["sleep", "300"], process_group=0), data


def _dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def _record(state: Path, pgid: int, data: Path, owner: int, owner_start: str = "") -> Path:
    path = server_records.record_path(state, pgid)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"pgid": pgid, "data_dir": str(data), "owner_pid": owner, "owner_start": owner_start}
    path.write_text(json.dumps(record))
    return path


def test_sweep_stops_a_server_whose_owner_is_gone_and_spares_one_whose_owner_runs(tmp_path):
    state = tmp_path / "state"
    orphan, orphan_data = _group(tmp_path, "orphan")
    live, live_data = _group(tmp_path, "live")
    owner = subprocess.Popen(["sleep", "300"])  # a run still going on, beside this one
    try:
        orphan_record = _record(state, orphan.pid, orphan_data, _dead_pid())
        live_record = _record(state, live.pid, live_data, owner.pid, server_records.process_start(owner.pid))
        EmbeddedServer(state).sweep_stale()
        assert orphan.wait(timeout=10) is not None, "the left-behind server is stopped"
        assert not orphan_data.exists() and not orphan_record.exists()
        assert live.poll() is None, "the server of a live run keeps running"
        assert live_data.exists() and live_record.exists()
    finally:
        for proc in (orphan, live, owner):
            proc.kill()
            proc.wait()


def test_a_reused_owner_pid_is_not_the_owner(tmp_path):
    """The owner's pid now names another process (its start time differs): the server is swept."""
    state = tmp_path / "state"
    orphan, data = _group(tmp_path, "orphan")
    try:
        _record(state, orphan.pid, data, os.getpid(), owner_start="1")  # not this process's start time
        EmbeddedServer(state).sweep_stale()
        assert orphan.wait(timeout=10) is not None and not data.exists()
    finally:
        orphan.kill()
        orphan.wait()


def test_the_single_record_of_earlier_versions_is_swept(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    orphan, data = _group(tmp_path, "orphan")
    try:
        legacy = state / server_records.LEGACY_FILE
        legacy.write_text(json.dumps({"pgid": orphan.pid, "data_dir": str(data)}))
        EmbeddedServer(state).sweep_stale()
        assert orphan.wait(timeout=10) is not None and not data.exists() and not legacy.exists()
    finally:
        orphan.kill()
        orphan.wait()


def test_two_servers_at_once_in_one_namespace_both_answer(tmp_path):
    from pymilvus import MilvusClient

    state = tmp_path / "state"
    servers = [EmbeddedServer(state), EmbeddedServer(state)]
    errors: list[BaseException] = []

    def start(server: EmbeddedServer) -> None:
        try:
            server.start()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert servers[0].info.grpc_port != servers[1].info.grpc_port
        records = sorted(p.name for p in (state / server_records.RECORDS_DIR).glob("*.json"))
        assert records == sorted(f"{s.info.pgid}.json" for s in servers), "one record per server"
        EmbeddedServer(state).sweep_stale()  # a third run's start: both owners (this process) live on
        for server in servers:
            client = MilvusClient(uri=server.info.grpc_uri, token=ROOT_TOKEN, timeout=10)
            try:
                assert "root" in client.list_users()
            finally:
                client.close()
    finally:
        for server in servers:
            server.stop()
    assert not list((state / server_records.RECORDS_DIR).glob("*.json")), "each stop removes its record"


def test_two_conformance_runs_overlap(tmp_path):
    """Two runs as `make conformance` starts them (each its own embedded target), at the same time,
    sharing one state dir: both conform, and neither sweeps the other's server or users."""
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_") and k != "PYTEST_ADDOPTS"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "pytest", "tests", "-q", "-k", SMOKE, "--state-dir", str(state)]
            + ["--reports-dir", str(tmp_path / f"reports-{n}")],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [run.communicate(timeout=900)[0] for run in runs]
    for run, output in zip(runs, outputs):
        assert run.returncode == 0, output[-3000:]
    for n in (1, 2):
        results = json.loads((tmp_path / f"reports-{n}" / "results.json").read_text())
        assert results["cases"] and all(c["status"] in ("pass", "known_deviation") for c in results["cases"])
    uris = {json.loads((tmp_path / f"reports-{n}" / "results.json").read_text())["target"]["grpc_uri"] for n in (1, 2)}
    assert len(uris) == 2, "each run had a server of its own"
    assert not list((state / server_records.RECORDS_DIR).glob("*.json")), "both servers stopped"


def test_the_etcd_config_names_the_servers_own_ports(tmp_path):
    """Not etcd's defaults (client 2379, peer 2380), which every server would share."""
    from milvus_conformance.target.embedded.etcd_config import write_etcd_config

    config = yaml.safe_load(write_etcd_config(tmp_path, 41234, 41235).read_text())
    assert config["listen-client-urls"] == config["advertise-client-urls"] == "http://127.0.0.1:41234"
    assert config["listen-peer-urls"] == config["initial-advertise-peer-urls"] == "http://127.0.0.1:41235"
    assert config["initial-cluster"] == "default=http://127.0.0.1:41235"


def test_a_group_of_zombies_is_gone(tmp_path):
    """A stopped server's processes may wait a second for init to reap them: the stop does not."""
    from milvus_conformance.target.embedded.server import group_alive

    proc, _ = _group(tmp_path, "z")
    try:
        assert group_alive(proc.pid)
        os.kill(proc.pid, 9)  # not reaped yet: a zombie child of this process
        deadline = time.monotonic() + 5
        while group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not group_alive(proc.pid)
        assert proc.poll() is not None  # it was a zombie until now; reaped here
    finally:
        proc.kill()
        proc.wait()
