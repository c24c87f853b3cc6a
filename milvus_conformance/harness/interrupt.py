"""The run's interrupts (Ctrl-C, SIGTERM, a CI job cancelled): whenever one arrives, the run ends with
exit status 2, one line, its users swept and every report marked "interrupted".

- During the cases a signal raises KeyboardInterrupt where the run is (pytest stops, the fixtures'
  teardown drops the users of the case in progress), and asks pytest to stop at the next case
  boundary as well, in case a library swallows the KeyboardInterrupt.
- Inside a critical section (`critical()`: a generated case's snapshot, journal entry, request and
  the listing that proves what it created) the signal is held until the section ends, so that no
  user exists on the target that the journal does not call ours.
- From the start of the session's end (`finish()`: the fixtures' teardown, the final sweep, the
  reports) a signal is only recorded: the clean-up and the reports complete, and the run says it was
  interrupted.

One object per process (the controller and each xdist worker), on the config stash; no module state.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

import pytest

from milvus_conformance.results.interruption import Interruption

INTERRUPTS = pytest.StashKey["Interrupts"]()
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    def __init__(self):
        self.received: list[str] = []  # signal names, in order
        self.phase = "start"  # "start" -> "cases" -> "clean-up"
        self.first_phase = ""  # the phase the first signal arrived in
        self.session = None  # the pytest session, once it exists (shouldstop)
        self.keyboard = False  # a user's KeyboardInterrupt reached pytest (harness/finish.py)
        self._depth = 0
        self._pending = False

    # ---- set-up -------------------------------------------------------------------------------
    def install(self) -> None:
        """SIGINT and SIGTERM go through `_on_signal` (main thread only, as Python requires)."""
        for sig in SIGNALS:
            signal.signal(sig, self._on_signal)

    def cases_begin(self, session) -> None:
        self.session, self.phase = session, "cases"

    def finish(self) -> None:
        """From now on a signal is recorded, never raised: the clean-up and the reports complete."""
        self.phase = "clean-up"

    # ---- the handler ----------------------------------------------------------------------------
    def _on_signal(self, signum, frame) -> None:
        name = signal.Signals(signum).name
        self.received.append(name)
        self.first_phase = self.first_phase or self.phase
        if self.session is not None and not self.session.shouldstop:
            self.session.shouldstop = f"interrupted ({name})"
        if self.phase == "clean-up":
            return
        if self._depth:
            self._pending = True
            return
        if len(self.received) > 1:  # the run is already stopping for the first one: raising
            return  # again would land inside pytest's own interrupt handling
        raise KeyboardInterrupt(name)

    @contextmanager
    def critical(self):
        """Hold a signal until the block ends (then raise it, unless the run is already ending)."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth and self._pending and self.phase != "clean-up":
                self._pending = False
                raise KeyboardInterrupt(self.received[-1])

    # ---- what happened --------------------------------------------------------------------------
    @property
    def interrupted(self) -> bool:
        return bool(self.received)

    def interruption(self, cases_run: int, cases_planned: int, fallback: str = "") -> Interruption | None:
        """The run-level record; `fallback` names an interrupt that reached this process without a
        signal of its own (e.g. an xdist worker's Ctrl-C)."""
        if not self.received and not fallback:
            return None
        return Interruption(
            self.received[0] if self.received else fallback, self.first_phase or self.phase, cases_run, cases_planned
        )


def critical(config):
    """The process's `Interrupts.critical()`, or a no-op where none is installed (e.g. selftests)."""
    interrupts = config.stash.get(INTERRUPTS, None) if config is not None else None
    return interrupts.critical() if interrupts is not None else _nothing()


@contextmanager
def _nothing():
    yield


def install(config) -> Interrupts:
    interrupts = Interrupts()
    interrupts.install()
    config.stash[INTERRUPTS] = interrupts
    return interrupts
