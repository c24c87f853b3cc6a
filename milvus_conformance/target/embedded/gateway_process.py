"""The embedded target's REST v2 gateway, in a process of its own (`python -m
milvus_conformance.target.gateway`).

Why a process: in the suite's own process its request handling competed with the cases for the
interpreter's lock (the gateway takes about 1.1 s of CPU in a run of the gate tier); in a process of
its own it runs on the machine's other core (cases 0.5 s faster on 2 cores, `make conformance`).

It is spawned as soon as Milvus has chosen its gRPC port, while Milvus is still starting (it needs
0.4 s to import and listen, Milvus about 0.85 s from its spawn to ready), and joins the server's process group: it
is stopped with the group, and dies with its runner as the server does (the group's watchdog, and
PR_SET_PDEATHSIG). Its output goes to a log in the server's data directory.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from milvus_conformance.errors import EmbeddedStartError
from milvus_conformance.target.embedded import pdeathsig

LISTENING = "gateway listening on "  # the one line it prints once it serves (gateway/__main__.py)
START_TIMEOUT_S = 30.0
STOP_WAIT_S = 5.0


class GatewayProcess:
    def __init__(self, proc: subprocess.Popen, log: Path):
        self._proc, self.log = proc, log

    @classmethod
    def spawn(
        cls, milvus_address: str, pgid: int, log: Path, tls_flags: list[str], standard_errors: bool
    ) -> "GatewayProcess":
        args = [sys.executable, "-m", "milvus_conformance.target.gateway", "--milvus", milvus_address]
        args += ["--standard-error-status", "true" if standard_errors else "false", *tls_flags]
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                pdeathsig.command(args),
                stdout=subprocess.PIPE,
                stderr=out,
                stdin=subprocess.DEVNULL,
                process_group=pgid,
            )
        return cls(proc, log)

    def wait_listening(self, timeout: float = START_TIMEOUT_S) -> str:
        """Its base URL, once it says it serves; EmbeddedStartError if it exits or stays silent."""
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._proc.stdout], [], [], left)[0]:
                raise EmbeddedStartError(f"the embedded REST gateway did not start within {timeout:.0f} s")
            chunk = os.read(self._proc.stdout.fileno(), 4096)
            if not chunk:
                self._proc.wait()
                raise EmbeddedStartError(
                    f"the embedded REST gateway exited during start (status {self._proc.returncode}): {self._reason()}"
                )
            line += chunk
        text = line.decode(errors="replace").strip()
        if not text.startswith(LISTENING):
            raise EmbeddedStartError(f"the embedded REST gateway said {text[:200]!r} instead of where it listens")
        return text[len(LISTENING) :]

    def _reason(self) -> str:
        try:
            lines = [ln for ln in self.log.read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            lines = []
        return lines[-1][:200] if lines else "no reason in its log"

    def stop(self) -> None:
        """SIGTERM (it stops serving and exits), SIGKILL if it has not gone within STOP_WAIT_S."""
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc.stdout.close()
