"""The warnings an SDK call raises in a thread other than the main one (a run-ahead case,
harness/run_ahead.py). `warnings.catch_warnings` swaps the process's warning state and is not
thread-safe; while the tap is installed (by the main thread, around the threads' lifetime),
`warnings.warn` records into the calling thread's log when it has one open (as `catch_warnings` with
"always" would) and otherwise behaves as before."""

from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager


class WarningTap:
    def __init__(self):
        self._local = threading.local()
        self._warn = None  # warnings.warn while installed

    def install(self) -> None:
        self._warn, warnings.warn = warnings.warn, self.warn

    def uninstall(self) -> None:
        if self._warn is not None and warnings.warn == self.warn:
            warnings.warn = self._warn
        self._warn = None

    @contextmanager
    def serving(self):
        """The calling thread records its SDK calls' warnings while the block runs (a run-ahead
        case's thread; other threads, e.g. a case's own, record none, as under catch_warnings)."""
        self._local.serving = True
        try:
            yield
        finally:
            self._local.serving = False

    def serves(self) -> bool:
        return getattr(self._local, "serving", False)

    @contextmanager
    def caught(self):
        """This thread's warnings while the block runs (a list of warnings.WarningMessage)."""
        self._local.log = []
        try:
            yield self._local.log
        finally:
            self._local.log = None

    def warn(self, message, category=None, stacklevel=1, source=None, **kwargs):
        log = getattr(self._local, "log", None)
        if log is None:
            return self._warn(message, category, stacklevel + 1, source, **kwargs)
        if isinstance(message, Warning):
            category = type(message)
        else:
            category = category or UserWarning
            message = category(message)
        log.append(warnings.WarningMessage(message, category, "", 0))
        return None


def current() -> WarningTap | None:
    """The installed tap, if any (it is reachable as the process's `warnings.warn`)."""
    tap = getattr(warnings.warn, "__self__", None)
    return tap if isinstance(tap, WarningTap) else None
