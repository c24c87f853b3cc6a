"""A per-process request rate limit (--rate-limit), shared by both clients."""
from __future__ import annotations

import threading
import time


class RateLimit:
    def __init__(self) -> None:
        self.interval = 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def configure(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


RATE_LIMIT = RateLimit()
