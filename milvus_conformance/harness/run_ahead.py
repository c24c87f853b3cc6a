"""Run-ahead: `--jobs N` runs up to N independent cases side by side in threads of this one process,
while pytest's own machinery (fixtures, hooks, reports, the terminal) stays serial and unchanged.

The main loop walks the items in order. Before an item runs, the engine starts the eligible items
from it on in a thread pool, N running at a time (a finished one keeps its outcome for its turn
and frees its thread, so later cases go on starting while the main thread waits or runs a
generated case); each thread
runs a case's test function with case objects of its own (a CaseRecorder, a UserScope over the
session's ledger, a Runner, recorded clients) and keeps (recorder, exception). Then pytest runs
the item as usual; its `pytest_pyfunc_call` waits for the thread's outcome instead of calling the
function, puts the thread's recorder on the item and re-raises the thread's exception (pytest's
skip, xfail and fail included), so that reports and results are those of a serial run.

Eligible (`eligible`): a test function whose fixtures are its parameters and the case fixtures
below (and the session fixtures they depend on), without the `serial`, `main_thread` or a skip
marker. That includes the generated cases of the explicit phases (`fuzz`: generated under a lock,
sent by the fuzz target's own sender threads). A case marked `main_thread` (it drives Hypothesis's
engine: random generation with shrinking, stateful scenarios) runs in the main thread as before
while eligible cases after it run ahead (`beside`); anything else (the user-cap case, a case with
`request`) runs alone: when its turn comes, every case started ahead (before or after it) ends
first, and none starts until it has ended. The session objects are taken from the first eligible
case, which runs normally; nothing starts ahead before it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field

import pytest

from milvus_conformance.clients import warning_tap
from milvus_conformance.harness.fixtures import UserScope
from milvus_conformance.harness.recorder import CaseRecorder
from milvus_conformance.harness.runner import Runner
from milvus_conformance.harness.skip_kinds import SKIP_STATUS, not_applicable
from milvus_conformance.results.surfaces import Surface

CASE_FIXTURES = frozenset(
    {"runner", "profile", "documented_profile", "users", "record", "rest", "sdk", "run_context", "fuzz"}
)
# what the case fixtures stand on: session-scoped (taken once, SessionObjects), or pytest's own
BENEATH = frozenset(
    {"ledger", "fill_lock", "throttle", "rest_admin", "sdk_admin", "fuzz_target", "request", "pytestconfig"}
    | {"auth_enabled"}  # a set-up check only: it skips the case in the main thread
)
NOT_GIVEN = {
    Surface.REST: "no REST base URL given (--base-url): REST surface not tested",
    Surface.SDK: "no gRPC URI given (--grpc-uri): SDK surface not tested",
}


def eligible(item) -> bool:
    """Whether `item` may run ahead in a thread (see the module's docstring)."""
    info = getattr(item, "_fixtureinfo", None)
    if not isinstance(item, pytest.Function) or info is None or SKIP_STATUS in item.stash:
        return False
    if any(item.get_closest_marker(name) for name in ("serial", "main_thread", "skip", "skipif")):
        return False
    params = set(getattr(getattr(item, "callspec", None), "params", {}))
    return set(info.argnames) <= CASE_FIXTURES | params and set(info.names_closure) <= CASE_FIXTURES | BENEATH | params


def beside(item) -> bool:
    """A case that may run in the main thread while cases run ahead: one skipped by a marker (the
    tier's choice; it runs nothing), or one marked `main_thread` (its hygiene tells its own users by
    their generated names, which carry no run prefix)."""
    if SKIP_STATUS in item.stash or item.get_closest_marker("skip"):
        return True
    return bool(item.get_closest_marker("main_thread")) and not item.get_closest_marker("serial")


@dataclass(frozen=True)
class SessionObjects:
    """The session fixtures' values a run-ahead case needs, taken in the main thread."""

    profile: object
    documented: object
    ledger: object
    fill_lock: object
    token: str | None
    admins: dict  # Surface -> the session's admin client (rest_admin, sdk_admin), None: not given
    run_context: object = None
    fuzz: object = None  # the fuzz target, or the skip that its fixture raised (no REST surface...)

    @classmethod
    def of(cls, item) -> "SessionObjects":
        request = item._request
        admins = {}
        for surface in (Surface.REST, Surface.SDK):
            try:
                admins[surface] = request.getfixturevalue(f"{surface.value}_admin")
            except pytest.skip.Exception:
                admins[surface] = None
        try:
            fuzz = request.getfixturevalue("fuzz_target")
        except pytest.skip.Exception as skipped:
            fuzz = skipped
        run_context = request.getfixturevalue("run_context")
        return cls(
            request.getfixturevalue("profile"),
            request.getfixturevalue("documented_profile"),
            request.getfixturevalue("ledger"),
            request.getfixturevalue("fill_lock"),
            run_context.token,
            admins,
            run_context,
            fuzz,
        )

    def fuzz_target(self):
        if isinstance(self.fuzz, BaseException):
            raise self.fuzz
        return self.fuzz


@dataclass
class Ahead:
    """What a case run ahead left: its recorder, and the exception that ended it (None: returned)."""

    recorder: CaseRecorder
    error: BaseException | None = None


def run_case(item, objects: SessionObjects) -> Ahead:
    """One case's test function with case objects of its own (in a pool thread). Its users are
    dropped here, pass or fail. No Ctrl-C is held here (signals reach the main thread only, which
    waits for this case to end before the run stops)."""
    recorder = CaseRecorder(item)
    scope = UserScope(objects.ledger, objects.token)
    made: dict[Surface, object] = {}

    def clients(surface: Surface):
        if surface not in made:
            admin = objects.admins.get(Surface(surface))
            if admin is None:
                not_applicable(NOT_GIVEN[Surface(surface)])
            made[surface] = admin.with_recorder(recorder)
        return made[surface]

    runner = Runner(clients, objects.profile, objects.documented, scope, recorder, item)
    values = {
        "runner": runner,
        "profile": objects.profile,
        "documented_profile": objects.documented,
        "users": scope,
        "record": recorder,
        "rest": lambda: clients(Surface.REST),
        "sdk": lambda: clients(Surface.SDK),
        "run_context": objects.run_context,
        "fuzz": objects.fuzz_target,
    }
    params = getattr(getattr(item, "callspec", None), "params", {})
    ahead = Ahead(recorder)
    try:
        kwargs = {}
        for name in item._fixtureinfo.argnames:
            value = params[name] if name in params else values[name]
            kwargs[name] = value() if name in ("rest", "sdk", "fuzz") else value
        tap = warning_tap.current()
        serving = tap.serving() if tap is not None else nullcontext()
        with objects.ledger.in_thread(), objects.fill_lock.shared(), serving:
            try:
                item.obj(**kwargs)
            finally:
                scope.cleanup()
    except BaseException as exc:  # noqa: BLE001 - pytest's outcomes too: re-raised in the main thread
        ahead.error = exc
    return ahead


@dataclass
class Engine:
    """The pool and the cases started ahead (by item), for one session. A case that has finished
    keeps its outcome for its turn and frees its thread at once: while the main thread is busy (a
    generated case runs for many seconds), later eligible cases keep starting, `threads` at a time."""

    threads: int
    objects: SessionObjects | None = None
    started: dict = field(default_factory=dict)  # item -> Future[Ahead], not yet taken
    _pool: ThreadPoolExecutor | None = None
    _cursor: int = 0  # the first item not yet looked at for starting ahead
    _run: Callable[..., Ahead] = run_case
    _items: list = field(default_factory=list)
    _is_eligible: Callable = eligible
    _paused: bool = True  # while a case runs alone (and before the first schedule): nothing starts
    # re-entrant: a future that is already done runs its callback (_fill) at once, in the same thread
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def schedule(self, items: list, index: int, is_eligible: Callable = eligible, is_beside: Callable = beside) -> None:
        """Before items[index] runs: a case that is neither eligible nor `beside` first waits for
        every case started ahead (also those after it: it runs alone) and starts none; otherwise the
        eligible cases from it on, not yet started, start, up to `threads` running at once."""
        item = items[index]
        if item not in self.started and not is_eligible(item) and not is_beside(item):
            self.drain(coming=items[index + 1 :])
            if self.objects is not None:  # the drops of the cases that ran ahead, seen gone: a case
                self.objects.ledger.verify_drops()  # that sizes its work by `room` sees it as serially
            return
        if self.objects is None:
            return  # the first eligible case runs normally and yields the session objects
        with self._lock:
            self._items, self._is_eligible, self._paused = items, is_eligible, False
            self._cursor = max(self._cursor, index)  # items before it are started or ran here
        self._fill()

    def _fill(self, _finished: Future | None = None) -> None:
        """Start eligible cases from the cursor on while fewer than `threads` are running; also the
        callback of every case that finishes (in its pool thread)."""
        with self._lock:
            while not self._paused and self._cursor < len(self._items) and self._running() < self.threads:
                later = self._items[self._cursor]
                self._cursor += 1
                if self._is_eligible(later) and later not in self.started:
                    future = self._executor().submit(self._run, later, self.objects)
                    self.started[later] = future
                    future.add_done_callback(self._fill)

    def _running(self) -> int:
        return sum(1 for future in self.started.values() if not future.done())

    def take(self, item) -> Ahead | None:
        """The outcome of `item` if it was started ahead (waits for it); None: run it normally."""
        with self._lock:
            future: Future | None = self.started.pop(item, None)
        return future.result() if future is not None else None

    def drain(self, coming=()) -> None:
        """Wait for every case started ahead, starting no more until the next `schedule`; forget
        those not `coming` (e.g. one whose item pytest skipped in set-up); the outcomes of those
        coming are taken at their turn."""
        coming = set(coming)
        with self._lock:
            self._paused = True
            started = list(self.started.items())
        for item, future in started:
            future.result()
            if item not in coming:
                with self._lock:
                    self.started.pop(item, None)

    def stop(self) -> None:
        """The run ends (normally or interrupted): cases not yet begun never begin; those in
        progress end, with their creates journaled and their users dropped."""
        with self._lock:
            self._paused = True
            futures = list(self.started.values())
        for future in futures:
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        with self._lock:
            self.started.clear()

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="run-ahead")
        return self._pool
