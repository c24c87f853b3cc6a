"""The requests of a generated case's explicit phases (examples, coverage), side by side.

Those phases are fixed lists of cases that do not depend on the answers, so they are generated
first (in the main thread: Hypothesis) and then sent by `threads` sender threads, each request
under the hygiene of the names it names (fuzz/hygiene.py), its checks run in the thread that sent
it. Check failures are kept per case, in the cases' order, as Hypothesis reports the failures of
explicit examples; anything else (a harness error) ends the batch and is raised. With one thread
the cases are sent in the main thread, in order.

On Ctrl-C (raised in the main thread while it waits) cases not yet begun never begin and those in
flight end - their creates journaled, their users dropped - before the interrupt goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sent:
    """What sending one case left: whether it was sent (hygiene may refuse), its check failures as
    (failure, flaky) pairs."""

    sent: bool
    failures: list = field(default_factory=list)


class Senders:
    """A pool of sender threads for one run (made on first use), and a requests session per thread."""

    def __init__(self, threads: int, make_session: Callable, in_thread: Callable):
        self.threads = max(1, threads)
        self._make_session, self._in_thread = make_session, in_thread
        self._local = threading.local()
        self._sessions: list = []
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def session(self, main):
        """The session of the calling thread (`main` in the main thread)."""
        if threading.current_thread() is threading.main_thread():
            return main
        if getattr(self._local, "session", None) is None:
            self._local.session = self._make_session()
            with self._lock:
                self._sessions.append(self._local.session)
        return self._local.session

    def send_all(self, cases: Sequence, send_one: Callable, collect: Callable) -> list[Sent]:
        """`send_one(case)` for every case (False: not sent; a check failure raises); `collect(exc)`
        turns what it raised into check failures, None where it is not one (then it is raised)."""

        def one(case) -> Sent:
            try:
                return Sent(send_one(case))
            except BaseException as exc:  # noqa: BLE001 - sorted by `collect`, re-raised otherwise
                failures = collect(exc)
                if failures is None:
                    raise
                return Sent(True, failures)

        if self.threads == 1 or len(cases) < 2:
            return [one(case) for case in cases]
        futures = [self._executor().submit(self._in_sender, one, case) for case in cases]
        try:
            return [future.result() for future in futures]
        finally:  # also on Ctrl-C or a harness error: nothing new begins, what began ends
            for future in futures:
                future.cancel()
            wait(futures)

    def _in_sender(self, one: Callable, case) -> Sent:
        with self._in_thread():
            return one(case)

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="generated")
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        for session in self._sessions:
            session.close()
        self._sessions.clear()
