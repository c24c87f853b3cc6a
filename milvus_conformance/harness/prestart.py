"""The embedded target started early (issue 23): its Milvus takes seconds to be ready, and so do
pytest's plugin imports and collection, so a run of the suite against the embedded target starts it
from harness/early.py (the first plugin loaded) in a thread, and the session start takes it over when
the run's configuration asks for the same target (`Plan`); otherwise it is stopped and the target
started the normal way (harness/endpoints.py).

A failure of the early start is raised at the session start, where a normal start would raise it: the
same one line and exit status. An interrupt before the session start stops the server group at once
(harness/early.py); during the session start's wait it is raised there and stops it too.

One object per pytest process, on the config stash (`PRESTART`); nothing at module level."""

from __future__ import annotations

import atexit
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

PRESTART = pytest.StashKey["Prestart"]()
ABORT_WAIT_S = 15.0  # the start's own clean-up after its server group is killed takes well under this


@dataclass(frozen=True)
class Plan:
    """What the embedded target is started with (the options that make one embedded target differ
    from another)."""

    state_dir: Path
    version: str
    tls_mode: str | None
    standard_errors: bool

    @classmethod
    def of(cls, config) -> "Plan | None":
        """The plan of a run's TargetConfig; None for a given target."""
        if not config.embedded:
            return None
        return cls(
            Path(config.state_dir), config.embedded_version, config.embedded_tls, config.embedded_standard_errors
        )


class Prestart:
    def __init__(self) -> None:
        self.plan: Plan | None = None
        self.taken = False  # the session start has asked for it (whatever the answer)
        self._target = None  # the EmbeddedTarget being started
        self._endpoints = None
        self._error: BaseException | None = None
        self._ready = threading.Event()  # the start ended, well or not
        self._released = threading.Event()  # the target is stopped: the keeper thread may end
        self._thread: threading.Thread | None = None

    @property
    def begun(self) -> bool:
        return self._thread is not None

    @property
    def starting(self) -> bool:
        """Begun, not yet ready, not yet taken: the session start would wait for it."""
        return self.begun and not self.taken and not self._ready.is_set()

    def begin(self, plan: Plan) -> None:
        from milvus_conformance.target.embedded.target import EmbeddedTarget

        self.plan = plan
        self._target = EmbeddedTarget(plan.state_dir, plan.version, plan.tls_mode, standard_errors=plan.standard_errors)
        thread = threading.Thread(target=self._keep, name="embedded-target-prestart", daemon=True)
        thread.start()
        self._thread = thread
        atexit.register(self.abort)  # a process that ends before its session start (e.g. a usage error)

    def _keep(self) -> None:
        try:
            self._endpoints = self._target.start()
        except BaseException as exc:  # noqa: BLE001 - raised at the session start (`take`)
            self._error = exc
        finally:
            self._ready.set()
        # The server's wrapper gets SIGTERM when the THREAD that started it ends (PR_SET_PDEATHSIG,
        # server.py): this thread lives until the target is stopped (or the process ends).
        self._released.wait()

    def take(self, config):
        """At the session start: (this, the target's endpoints) when `config` (a TargetConfig) asks for
        the target that was started early; None when none was, or another one was (stopped first).
        The early start's failure is raised here."""
        if not self.begun or self.taken:
            return None
        self.taken = True
        if Plan.of(config) != self.plan:
            self.abort()  # e.g. the configuration changed after the command line was read
            return None
        try:
            while not self._ready.wait(0.1):  # short waits: a signal's KeyboardInterrupt lands here
                pass
        except BaseException:
            self.abort()
            raise
        if self._error is not None:
            self._released.set()  # the start cleaned up after itself (EmbeddedTarget.start)
            raise self._error
        return self, self._endpoints

    def stop(self) -> None:
        """The run's stop of the target it took (RunContext.stop, possibly in a thread)."""
        if not self.begun:
            return
        if not self._ready.is_set():
            self.abort()
            return
        self._target.stop()
        self._released.set()

    def abort(self, wait: float = ABORT_WAIT_S) -> None:
        """Stop at once a target not in use (yet): its server group is killed (its data is thrown
        away in any case), then the start's own clean-up is awaited for up to `wait` seconds."""
        if not self.begun or self._released.is_set():
            return
        deadline = time.monotonic() + wait
        while not self._ready.is_set() and time.monotonic() < deadline:
            self._kill_group()  # again each time: the server may be spawned in between
            self._ready.wait(0.05)
        self._kill_group()
        self._target.stop()
        self._released.set()

    def _kill_group(self) -> None:
        if self._ready.is_set() and self._error is not None:
            return  # the failed start stopped its group itself: its id may be another's by now
        server = self._target.server if self._target is not None else None
        group = server.group if server is not None else None
        if group is not None:
            try:
                os.killpg(group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
