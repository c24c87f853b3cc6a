"""Starts and stops one look-alike: in its own process group (stopped as a group), in a fresh
temporary data directory, on a free port of 127.0.0.1. It has no authentication and no REST API:
its one endpoint is the gRPC URI."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from milvus_conformance.errors import EmbeddedStartError
from milvus_conformance.target.embedded.server import _free_port, stop_group
from milvus_conformance.target.lookalikes.catalogue import Lookalike
from milvus_conformance.target.lookalikes.install import ensure_installed, package_dir

START_TIMEOUT_S = 30.0
TOKEN = "root:Milvus"  # accepted like any other token: neither look-alike checks one


def command(la: Lookalike, python: Path, data_dir: Path, port: int) -> tuple[list[str], dict]:
    """The command line and environment that start `la` (CF section 8)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
    if la.kind == "binary":
        lib = package_dir(python) / "lib"
        return [str(lib / "milvus"), str(data_dir / "lite.db"), f"127.0.0.1:{port}", "ERROR"], {
            **env,
            "LD_LIBRARY_PATH": str(lib),
        }
    code = (
        "from milvus_lite.adapter.grpc.server import run_server; "
        f"run_server({str(data_dir / 'data')!r}, '127.0.0.1', {port})"
    )
    return [str(python), "-I", "-c", code], env


class LookalikeServer:
    def __init__(self, la: Lookalike, state_dir: Path):
        self.la = la
        self.state_dir = Path(state_dir)
        self.port = 0
        self.data_dir: Path | None = None
        self._proc: subprocess.Popen | None = None
        self.start_s = 0.0  # seconds from spawn to the first accepted TCP connection

    @property
    def grpc_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        python = ensure_installed(self.state_dir, self.la)
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"{self.la.name}-"))
        self.port = _free_port()
        argv, env = command(self.la, python, self.data_dir, self.port)
        log = open(self.data_dir / "server.log", "wb")
        started = time.monotonic()
        self._proc = subprocess.Popen(
            argv,
            env=env,
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        while time.monotonic() - started < START_TIMEOUT_S:
            if self._proc.poll() is not None:
                reason = self._last_log_line()
                self.stop()
                raise EmbeddedStartError(f"{self.la.name} exited during start (status {self._exit_code}): {reason}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                self.start_s = time.monotonic() - started
                return self.grpc_uri
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise EmbeddedStartError(f"{self.la.name} did not listen within {START_TIMEOUT_S:.0f} s")

    _exit_code: int | None = None

    def _last_log_line(self) -> str:
        try:
            lines = (self.data_dir / "server.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else "(no output)"

    def stop(self) -> None:
        if self._proc is not None:
            self._exit_code = self._proc.poll()
            if self._exit_code is None:
                stop_group(self._proc.pid, timeout=10.0)
                self._proc.wait(timeout=5)
            self._proc = None
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    def __enter__(self) -> "LookalikeServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
