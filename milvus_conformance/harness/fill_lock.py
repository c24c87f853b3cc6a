"""The fill lock: cases that create users hold it shared; the user-cap case exclusively (across the
run's processes: an flock on a file of the run's state directory).

Each holder opens the file itself, and flock(2) locks belong to the open file, so several holders in
one process (the run-ahead engine's threads, harness/run_ahead.py) are several shared holders, and
an exclusive holder waits for all of them, as it does for other processes'."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path


class FillLock:
    """Cases that create users hold it shared; the user-cap case holds it exclusively, so it never
    runs while another xdist worker's case has users alive. A turnstile keeps the writer from
    starving."""

    def __init__(self, run_dir: Path):
        run_dir.mkdir(parents=True, exist_ok=True)
        self._main = run_dir / "fill.lock"
        self._turnstile = run_dir / "fill.turnstile"

    @contextmanager
    def shared(self):
        with _flock(self._turnstile, fcntl.LOCK_EX):
            pass
        with _flock(self._main, fcntl.LOCK_SH):
            yield

    @contextmanager
    def exclusive(self):
        with _flock(self._turnstile, fcntl.LOCK_EX), _flock(self._main, fcntl.LOCK_EX):
            yield  # both held: no case of another process is running now


@contextmanager
def _flock(path: Path, mode: int):
    with path.open("a") as f:
        fcntl.flock(f.fileno(), mode)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
