"""The embedded target's server: a real Milvus (default 2.3.5) from the PyPI package `milvus`.

`milvus-server` (a Python wrapper) starts a `milvus` child and leaves it running when the wrapper gets
SIGTERM, so it runs in its own process group and is stopped as a group. It dies with its runner,
whatever kills the runner: a watchdog in its group stops the group when the runner's pipe ends
(watchdog.py), and the wrapper itself gets SIGTERM when the runner dies (PR_SET_PDEATHSIG). A record
per server (server_records.py) names its group and its owner, so that a later run can stop one left
behind all the same, and never one whose owner is still running.

Every port is the server's own (its embedded etcd's too: etcd_config.py), so several servers run side
by side on one machine, in one network namespace.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from milvus_conformance.errors import EmbeddedStartError
from milvus_conformance.target.embedded import pdeathsig, releases, server_records
from milvus_conformance.target.embedded.etcd_config import ENV_VAR as ETCD_CONFIG_ENV
from milvus_conformance.target.embedded.etcd_config import write_etcd_config
from milvus_conformance.target.embedded.start_log import keep_logs, start_failure_reason

ROOT_TOKEN = "root:Milvus"  # Milvus's documented default credentials
# Milvus's components wait for each other at start with retries backing off from 0.2 s, doubling: the
# proxy, waiting for the query coordinator, slept 0.8 s after it was ready. From 0.05 s the start is
# about 0.6 s shorter; only the start's internal retries are concerned, nothing a client sees.
START_CONFIG = ("--extra-config", "grpc.client.initialBackOff=0.05")
PORT_FLAGS = (
    "etcd-port",
    "root-coord-port",
    "proxy-port",
    "proxy-internal-port",
    "query-coord-port",
    "query-node-port",
    "index-coord-port",
    "index-node-port",
    "data-coord-port",
    "data-node-port",
)


@dataclass
class ServerInfo:
    pgid: int
    data_dir: str
    grpc_port: int
    scheme: str = "http"  # https when the server runs with TLS

    @property
    def grpc_uri(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.grpc_port}"


def _free_port() -> int:
    return _free_ports(1)[0]


def _free_ports(count: int) -> list[int]:
    """`count` distinct free ports (all held until all are chosen, so none is given twice)."""
    held = [socket.socket() for _ in range(count)]
    try:
        for s in held:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs. A killed member the wrapper orphaned stays a
    zombie until the system's init reaps it (a second here): on Linux, a process whose threads have
    all ended counts as gone (its sockets are closed by then)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        try:
            os.killpg(pgid, 0)
            return True
        except (ProcessLookupError, PermissionError):
            return False
    for stat in proc.glob("[0-9]*/stat"):
        if _state_and_group(stat)[1] == pgid and any(
            _state_and_group(task)[0] not in ("Z", "X", "") for task in stat.parent.glob("task/*/stat")
        ):
            return True
    return False


def _state_and_group(stat: Path) -> tuple[str, int | None]:
    """A /proc .../stat file's state letter and process group ("", None: gone meanwhile)."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return fields[0], int(fields[2])
    except (OSError, ValueError, IndexError):
        return "", None


def stop_group(pgid: int, timeout: float = 5.0) -> None:
    """SIGTERM the whole group, then SIGKILL whatever is left after `timeout` (its data directory is
    thrown away: a graceful stop keeps nothing, and Milvus in the middle of starting ignores SIGTERM
    for up to ~15 s)."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            _reap()
            if not group_alive(pgid):
                return
            time.sleep(0.05)


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


class EmbeddedServer:
    def __init__(self, state_dir: Path, start_timeout: float = 90.0, release: releases.Release | None = None, tls=None):
        self.tls = tls  # an EmbeddedTls (target/embedded/tls.py), or None for plain gRPC
        self.state_file: Path | None = None  # this server's record, once started (server_records.py)
        self.state_dir = Path(state_dir)
        self.release = release  # None: the default release, resolved on start
        self.start_timeout = start_timeout
        self.info: ServerInfo | None = None
        self._proc: subprocess.Popen | None = None
        self._watchdog: int | None = None  # our end of the watchdog's pipe (watchdog.py)
        self._watchdog_proc: subprocess.Popen | None = None

    @property
    def group(self) -> int | None:
        """The server's process group once it is spawned (for an emergency stop: harness/prestart.py)."""
        return self._proc.pid if self._proc is not None else None

    def sweep_stale(self) -> None:
        """Stop the servers (and remove their data) that earlier runs of this state dir left behind:
        those whose owner is gone. A server whose owner still runs (a run beside this one) is left
        alone."""
        for path, stale in server_records.orphaned(self.state_dir):
            if stale is not None:
                if group_alive(stale.pgid):
                    stop_group(stale.pgid)
                shutil.rmtree(stale.data_dir, ignore_errors=True)
            path.unlink(missing_ok=True)

    def start(self, on_port: Callable[[int], None] | None = None) -> ServerInfo:
        """Spawn the server and wait until it is ready. `on_port`: called with its gRPC port as soon
        as it has chosen it, while it is still starting (the gateway is spawned from there)."""
        self.sweep_stale()
        release = self.release or releases.resolve(releases.DEFAULT_VERSION, self.state_dir)
        data_dir = tempfile.mkdtemp(prefix="milvus-conformance-")
        release.link_binaries(Path(data_dir))  # the release's binaries, unpacked once
        args = [str(release.server_exe), "--data", data_dir, "--authorization-enabled", "true", *START_CONFIG]
        *free, etcd_peer_port = _free_ports(len(PORT_FLAGS) + 1)
        ports = dict(zip(PORT_FLAGS, free))
        for flag, port in ports.items():
            args += [f"--{flag}", str(port)]
        etcd_config = write_etcd_config(Path(data_dir), ports["etcd-port"], etcd_peer_port)
        args += self.tls.milvus_flags() if self.tls else []
        log = open(Path(data_dir) / "milvus-server.log", "wb")
        # its own process group (no terminal Ctrl-C reaches it; stopped as a group), in our session so
        # that the watchdog can join the group; the wrapper gets SIGTERM when its runner dies
        self._proc = subprocess.Popen(
            pdeathsig.command(args),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, ETCD_CONFIG_ENV: str(etcd_config)},
            process_group=0,
        )
        log.close()
        self._watchdog, self._watchdog_proc = start_watchdog(self._proc.pid)
        self.info = ServerInfo(self._proc.pid, data_dir, 0, "https" if self.tls else "http")
        self.state_file = server_records.write_record(self.state_dir, self._proc.pid, data_dir)
        try:
            self.info.grpc_port = self._wait_ready(Path(data_dir), on_port)
        except EmbeddedStartError as exc:
            kept = keep_logs(Path(data_dir), self.state_dir)  # the data dir goes with the stop
            self.stop()
            raise EmbeddedStartError(f"{exc}; its logs: {kept}" if kept else str(exc)) from None
        except BaseException:
            self.stop()
            raise
        return self.info

    def _wait_ready(self, data_dir: Path, on_port: Callable[[int], None] | None) -> int:
        from pymilvus import MilvusClient, MilvusException  # heavy import: only when starting

        deadline = time.monotonic() + self.start_timeout
        port, patience = None, 0.25  # a starting proxy holds a call until its timeout: short ones first
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise EmbeddedStartError(
                    f"the embedded Milvus exited during start (status {self._proc.returncode}): "
                    f"{start_failure_reason(data_dir) or 'no reason in its logs'}"
                )
            if port is None:
                port = _configured_proxy_port(data_dir)
                if port is not None and on_port is not None:
                    on_port(port)
            if port and _accepts(port):  # a client's first attempt at a closed port waits its timeout
                try:
                    uri = f"{self.info.scheme}://127.0.0.1:{port}"
                    tls = self.tls.client().pymilvus_kwargs(uri) if self.tls else {}
                    MilvusClient(uri=uri, token=ROOT_TOKEN, timeout=patience, dedicated=True, **tls).close()
                    return port
                except MilvusException:
                    patience = min(2.0, patience * 2)  # a loaded machine answers late: wait longer
            time.sleep(0.05)
        raise EmbeddedStartError(
            f"the embedded Milvus was not ready within {self.start_timeout:.0f} s; see {data_dir / 'milvus-server.log'}"
        )

    def stop(self) -> None:
        if self.info is None:
            return
        stop_group(self.info.pgid)
        if self._watchdog is not None:
            os.close(self._watchdog)  # the group is gone; the watchdog with it
            self._watchdog = None
        if self._watchdog_proc is not None:
            try:
                self._watchdog_proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
            self._watchdog_proc = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.info.data_dir, ignore_errors=True)
        if self.state_file is not None:
            self.state_file.unlink(missing_ok=True)
        self.info = None


def start_watchdog(pgid: int) -> tuple[int | None, subprocess.Popen | None]:
    """A watchdog in the server's group (watchdog.py); returns our end of its pipe, which we hold
    until we stop the server (closing it, or dying, tells the watchdog to stop the group)."""
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "milvus_conformance.target.embedded.watchdog", str(os.getpid())],
            stdin=read_end,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            process_group=pgid,
        )
    except OSError:
        os.close(write_end)
        return None, None
    finally:
        os.close(read_end)
    return write_end, proc


def _configured_proxy_port(data_dir: Path) -> int | None:
    """The port the wrapper really used: it silently moves to the next free one if ours was taken."""
    config = data_dir / "configs" / "milvus.yaml"
    if not config.exists():
        return None
    section = None
    for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
        if line and not line[0].isspace():
            section = line.split(":", 1)[0]
        elif section == "proxy" and line.startswith("  port:"):
            return int(line.split(":", 1)[1].split("#", 1)[0])
    return None
