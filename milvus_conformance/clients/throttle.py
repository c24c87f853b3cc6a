"""A per-process request rate limit (--rate-limit): one instance per process (a session fixture),
handed to both clients."""

from __future__ import annotations

import threading
import time


class RateLimit:
    def __init__(self, per_second: float = 0.0) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0  # 0: no limit
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)
