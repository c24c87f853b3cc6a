"""The run-ahead engine (`--jobs N`, harness/run_ahead.py): which cases run ahead, in what order, when
it waits; the ledger's budget and exact names under threads; and a run of table cases with
`--jobs 3` against the embedded target that yields the case IDs and statuses of a serial run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace


from milvus_conformance import REPO_ROOT
from milvus_conformance.harness.ledger import Journal, UserLedger
from milvus_conformance.harness.run_ahead import Ahead, Engine


class Item:
    def __init__(self, name: str, ok: bool = True):
        self.name, self.ok, self.stash = name, ok, {}

    def get_closest_marker(self, name):
        return None

    def __repr__(self):
        return self.name


class Log:
    """A fake case runner: records which cases began, and lets a test hold them."""

    def __init__(self):
        self.began: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, item, objects):
        self.began.append(item.name)
        self.gate.wait(10)
        return Ahead(recorder=f"recorder of {item.name}")


def engine(threads: int, log: Log) -> Engine:
    e = Engine(threads, objects=SimpleNamespace(ledger=SimpleNamespace(verify_drops=lambda: None)))
    e._run = log
    return e


def ok(item) -> bool:
    return item.ok


def _until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_cases_start_ahead_up_to_the_window_and_wait_for_one_that_runs_alone():
    items = [Item("a"), Item("b"), Item("c"), Item("d"), Item("N", ok=False), Item("e")]
    log = Log()
    log.gate.clear()
    e = engine(2, log)
    e.schedule(items, 0, ok)
    assert _until(lambda: len(log.began) == 2) and set(e.started) == {items[0], items[1]}  # 2 running
    time.sleep(0.2)
    assert sorted(log.began) == ["a", "b"]  # no third while both run
    log.gate.set()  # a finished case frees its thread: the rest start, past N (it waits for them)
    assert _until(lambda: sorted(log.began) == ["a", "b", "c", "d", "e"])
    assert e.take(items[0]).recorder == "recorder of a"
    for i in (1, 2, 3):
        e.schedule(items, i, ok)
        assert e.take(items[i]).recorder == f"recorder of {items[i].name}"
    e.schedule(items, 4, ok)  # N runs alone: e has ended; its outcome waits for its turn
    assert e.started[items[5]].done() and e.take(items[4]) is None
    e.schedule(items, 5, ok)
    assert e.take(items[5]).recorder == "recorder of e"
    e.stop()
    assert sorted(log.began) == ["a", "b", "c", "d", "e"]  # each once


def test_later_cases_keep_starting_while_the_main_thread_is_busy():
    """The main thread spends long on one item (a generated case): the cases after it do not wait
    for the next schedule, they start as threads free up, `threads` at a time."""
    items = [Item(str(i)) for i in range(8)]
    log = Log()
    e = engine(2, log)
    e.schedule(items, 0, ok)  # and no other schedule while the main thread is busy
    assert _until(lambda: len(log.began) == 8)
    assert all(e.take(item).recorder == f"recorder of {item.name}" for item in items)
    e.stop()


def test_no_case_starts_while_one_runs_alone():
    items = [Item("a"), Item("N", ok=False), Item("b"), Item("c")]
    log = Log()
    log.gate.clear()
    e = engine(1, log)
    e.schedule(items, 0, ok)  # a starts and is held (its item is then skipped in set-up: never taken)
    assert _until(lambda: log.began == ["a"])
    threading.Timer(0.2, log.gate.set).start()
    e.schedule(items, 1, ok)  # N: waits for a; a's thread, now free, must not start b
    time.sleep(0.2)
    assert log.began == ["a"] and not e.started
    e.schedule(items, 2, ok)  # after N: b and c start again
    assert _until(lambda: log.began == ["a", "b", "c"])
    e.stop()


def test_cases_after_a_generated_case_run_ahead_while_it_runs_here():
    items = [Item("a"), Item("G", ok=False), Item("b"), Item("c")]
    log = Log()
    e = engine(3, log)

    def generated(item):
        return item.name == "G"

    e.schedule(items, 0, ok, generated)
    assert set(e.started) == {items[0], items[2], items[3]}  # G runs in the main thread
    e.take(items[0])
    e.schedule(items, 1, ok, generated)  # G: no waiting for b and c
    assert set(e.started) == {items[2], items[3]} and e.take(items[1]) is None
    e.take(items[2])
    e.take(items[3])
    e.stop()


def test_a_case_that_is_not_eligible_waits_for_every_case_in_flight():
    items = [Item("a"), Item("b"), Item("N", ok=False)]
    log = Log()
    log.gate.clear()
    e = engine(4, log)
    e.schedule(items, 0, ok)
    # a's item is skipped in set-up: its outcome is never taken, yet N must wait for it
    threading.Timer(0.3, log.gate.set).start()
    e.schedule(items, 2, ok)
    assert log.gate.is_set() and not e.started
    e.stop()


def test_nothing_starts_ahead_before_the_session_objects_are_taken():
    items = [Item("a"), Item("b")]
    log = Log()
    e = engine(3, log)
    e.objects = None
    e.schedule(items, 0, ok)
    assert not e.started and e.take(items[0]) is None
    e.stop()
    assert log.began == []


def test_stop_lets_cases_in_flight_end_and_cancels_the_rest():
    items = [Item(str(i)) for i in range(6)]
    log = Log()
    log.gate.clear()
    e = engine(6, log)
    e._pool = ThreadPoolExecutor(2)  # two threads: four cases wait for a thread
    e.schedule(items, 0, ok)
    time.sleep(0.2)
    threading.Timer(0.3, log.gate.set).start()
    e.stop()
    assert len(log.began) == 2  # the two in flight ended; the others never began


# ---- the ledger under threads -----------------------------------------------------------------
class Admin:
    def __init__(self):
        self.names = {"root"}
        self.lock = threading.Lock()

    def user_names(self):
        with self.lock:
            return sorted(self.names)

    def drop_user(self, name):
        with self.lock:
            self.names.discard(name)


def test_cases_wait_for_room_and_the_budget_holds(tmp_path):
    admin = Admin()
    # three cases of three users each in flight, room for 7: some wait (never all of them)
    ledger = UserLedger("abc123", Journal(tmp_path, "abc123"), admin, 7, protected=frozenset({"root"}))
    most = []

    def case(i):
        with ledger.in_thread():  # as the engine runs a case ahead
            one_case(i)

    def one_case(i):
        mine = []
        for k in range(3):
            name = f"{ledger.prefix}{i}_{k}"
            ledger.will_create(name, own=mine)
            with admin.lock:
                admin.names.add(name)
                most.append(len(admin.names) - 1)
            ledger.created(name)
            mine.append(name)
            time.sleep(0.01)
        for name in mine:
            ledger.release(name, verify=False)

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(case, range(9)))
    ledger.verify_drops()
    assert max(most) <= 7  # never more users alive than the budget
    assert admin.names == {"root"} and not ledger.owned and not ledger.unverified


def test_an_exact_name_is_claimed_by_one_case_at_a_time(tmp_path):
    ledger = UserLedger("abc123", Journal(tmp_path, "abc123"), Admin(), 4, protected=frozenset({"root"}))
    assert ledger.claim_exact("Q")
    assert not ledger.claim_exact("Q")  # another case's create of it is pending
    ledger.unclaim("Q")  # refused: free again
    assert ledger.claim_exact("Q")


# ---- against the embedded target --------------------------------------------------------------
CASES = ["tests/test_create_name.py", "tests/test_state.py", "tests/test_rest_envelope.py"]


def _statuses(work, *extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_") and k != "PYTEST_ADDOPTS"}
    cmd = [sys.executable, "-m", "pytest", *CASES, "-q", "--reports-dir", str(work), "--state-dir", str(work / "s")]
    out = subprocess.run([*cmd, *extra], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode in (0, 1), out.stdout[-3000:] + out.stderr[-3000:]
    cases = json.loads((work / "results.json").read_text())["cases"]
    return {c["case_id"]: c["status"] for c in cases}, out.stdout


def test_jobs_3_yields_what_a_serial_run_yields(embedded_endpoints, tmp_path):
    e = embedded_endpoints
    target = ["--base-url", e.base_url, "--grpc-uri", e.grpc_uri, "--token", e.token, "--profile", "embedded"]
    serial, _ = _statuses(tmp_path / "serial", *target)
    threaded, said = _statuses(tmp_path / "threads", *target, "--jobs", "3")
    assert "jobs: 3 cases in flight" in said
    assert threaded == serial
