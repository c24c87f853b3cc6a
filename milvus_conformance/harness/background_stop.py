"""The embedded target's stop off the verdict's path: `begin(ctx)` at the end of the session (after
the clean-up, which needs the target) stops it in a thread while the reports are written and the
summary and verdict line are printed; `finish(thread)` at unconfigure waits for it, so the process
never exits with the server still running (the thread is not a daemon either)."""

from __future__ import annotations

import threading


def begin(ctx) -> threading.Thread:
    thread = threading.Thread(target=ctx.stop, name="embedded-target-stop", daemon=False)
    thread.start()
    return thread


def finish(thread: threading.Thread | None, timeout: float = 120.0) -> None:
    if thread is not None:
        thread.join(timeout)
