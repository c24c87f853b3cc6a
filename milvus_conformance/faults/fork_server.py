"""Kill-rate suite runs forked from one warm process (issue 23): a suite run in a fresh interpreter
pays seconds of imports (pytest's plugins, schemathesis, Hypothesis, pymilvus) before its first
case, once per fault. The fork server imports all of it once, then forks a child per run; the child
runs pytest's command-line entry (as `python -m pytest`) with that run's arguments, environment and log file, and exits with its status,
the status `python -m pytest` would have.

Forking is only safe from a process with one thread and no gRPC channel: the server imports, never
connects, keeps numpy's BLAS to one thread (its pool is a native thread), and checks that it has
one thread before each fork; otherwise it says so and the caller runs that suite run as a subprocess.
Runs must be `--assert=plain` (as the kill-rate runs are): pytest cannot rewrite the asserts of
modules imported before it starts.

Protocol (JSON lines): requests on the server's stdin {"id", "args", "env", "cwd", "log"}; replies
on its stdout {"ready"} once, then per request {"id", "pid"} and {"id", "status"} (or {"id", "error"}).

    python -m milvus_conformance.faults.fork_server     (started by ForkServer)
"""

from __future__ import annotations

import importlib
import json
import os
import select
import subprocess
import sys
import threading
from itertools import count
from pathlib import Path

from milvus_conformance import REPO_ROOT

# the modules a suite run imports (pytest's entry-point plugins are loaded from their entry points)
WARM = (
    "pytest",
    "milvus_conformance.harness.plugin",
    "milvus_conformance.faults.killrate_plugin",
    "milvus_conformance.faults.client_plugin",
    "pymilvus",
    "schemathesis",
    "hypothesis",
    "httpx",
)
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# ---- the server (its own process) ------------------------------------------------------------
def os_threads() -> int:
    return len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else threading.active_count()


def warm_up() -> None:
    for name, value in ONE_THREAD.items():
        os.environ.setdefault(name, value)
    from importlib.metadata import entry_points

    for name in WARM:
        importlib.import_module(name)
    from milvus_conformance.harness import plugin

    for name in plugin.pytest_plugins:
        importlib.import_module(name)
    for entry in entry_points(group="pytest11"):
        entry.load()


def _child(request: dict) -> None:
    """In the forked child: become `python -m pytest ARGS` in the request's cwd, environment and log."""
    status = 70  # EX_SOFTWARE: the child failed before pytest could say anything
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # as milvus_conformance/__init__.py sets it
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(devnull)
        import pytest.__main__  # what `python -m pytest` runs, with the argv it sees
        from _pytest.config import _console_main

        sys.argv = [pytest.__main__.__file__, *request["args"]]
        status = int(_console_main())
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - said in the log, like an interpreter's uncaught exception
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        import atexit

        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(status)


def serve(rfd: int = 0, wfd: int = 1) -> None:
    def reply(message: dict) -> None:
        os.write(wfd, (json.dumps(message) + "\n").encode())

    warm_up()
    reply({"ready": True, "threads": os_threads()})
    children: dict[int, int] = {}  # pid -> request id
    pending, open_ = b"", True
    while open_ or children:
        readable, _, _ = select.select([rfd] if open_ else [], [], [], 0.02 if children else None)
        if readable:
            chunk = os.read(rfd, 65536)
            open_ = bool(chunk)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                if os_threads() != 1:
                    reply({"id": request["id"], "error": f"{os_threads()} threads: not forking"})
                    continue
                pid = os.fork()
                if pid == 0:
                    _child(request)
                children[pid] = request["id"]
                reply({"id": request["id"], "pid": pid})
        while children:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            reply({"id": children.pop(pid), "status": os.waitstatus_to_exitcode(wait_status)})


# ---- the client (the kill-rate runner's process) ----------------------------------------------
class ForkUnavailable(RuntimeError):
    """The server cannot fork this run (threads): run it as a subprocess instead."""


class ForkServer:
    """One warm server process; `run()` may be called from several threads at once."""

    def __init__(self, env: dict, log: Path):
        self._log = open(log, "wb")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "milvus_conformance.faults.fork_server"],
            cwd=REPO_ROOT,
            env={**env, **ONE_THREAD},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        ready = self._proc.stdout.readline()
        if not ready:
            self.close()
            raise ForkUnavailable(f"the fork server did not start (see {log})")
        self.threads = json.loads(ready)["threads"]  # the server's OS threads when it was ready (1)
        self.forked = 0  # suite runs forked so far
        self._ids = count(1)
        self._lock = threading.Lock()
        self._replies: dict[int, dict] = {}
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="fork-server-replies", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._proc.stdout:
            message = json.loads(line)
            with self._arrived:
                self._replies.setdefault(message["id"], {}).update(message)
                self._arrived.notify_all()
        with self._arrived:
            self._replies[0] = {"closed": True}
            self._arrived.notify_all()

    def _await(self, rid: int, key: str, timeout: float | None) -> dict:
        with self._arrived:
            done = self._arrived.wait_for(
                lambda: (
                    key in self._replies.get(rid, {}) or "error" in self._replies.get(rid, {}) or 0 in self._replies
                ),
                timeout,
            )
            reply = dict(self._replies.get(rid, {}))
        if "error" in reply:
            raise ForkUnavailable(reply["error"])
        if not done or key not in reply:
            raise (
                TimeoutError(f"no {key} from the fork server for run {rid}")
                if not done
                else ForkUnavailable("the fork server ended")
            )
        return reply

    def run(self, args: list[str], env: dict, cwd: Path, log: Path, timeout: float = 1800) -> int:
        """`python -m pytest ARGS` forked, with `env`, in `cwd`, its output to `log`: its exit status."""
        if "--assert=plain" not in args:  # pytest rewrites the asserts of modules it imports itself
            raise ForkUnavailable("assertion rewriting: the plugins are imported already")
        rid = next(self._ids)
        request = {"id": rid, "args": list(args), "env": dict(env), "cwd": str(cwd), "log": str(log)}
        with self._lock:
            self._proc.stdin.write((json.dumps(request) + "\n").encode())
            self._proc.stdin.flush()
        pid = self._await(rid, "pid", 60)["pid"]
        self.forked += 1
        try:
            return self._await(rid, "status", timeout)["status"]
        except TimeoutError:
            os.kill(pid, 9)
            raise subprocess.TimeoutExpired(args, timeout) from None

    def close(self) -> None:
        if self._proc.stdin and not self._proc.stdin.closed:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        self._log.close()


class Forks:
    """A ForkServer started on first use (from any thread), or None when disabled or unavailable."""

    def __init__(self, enabled: bool, env: dict, log: Path):
        self.enabled, self._env, self._log = enabled, env, log
        self._server: ForkServer | None = None
        self._starting = threading.Lock()

    def get(self) -> ForkServer | None:
        with self._starting:
            if self.enabled and self._server is None:
                try:
                    self._server = ForkServer(self._env, self._log)
                except (ForkUnavailable, OSError):
                    self.enabled = False
            return self._server

    @property
    def forked(self) -> int:
        return self._server.forked if self._server is not None else 0

    def close(self) -> None:
        with self._starting:
            if self._server is not None:
                self._server.close()
                self._server = None


def run_forked(server: ForkServer | None, cmd: list[str], env: dict, cwd: Path, log: Path) -> int | None:
    """`cmd` (python -m pytest ARGS) forked from `server`: its exit status; None when it cannot be
    forked (no server, or the server has threads): then the caller runs it as a subprocess."""
    if server is None:
        return None
    try:
        return server.run(cmd[3:], env, cwd, log, timeout=1800)
    except ForkUnavailable:
        return None


if __name__ == "__main__":
    serve()
