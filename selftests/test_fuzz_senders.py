"""The generated cases' requests side by side (fuzz/senders.py) and the hygiene's name locks
(fuzz/hygiene.py), without a server: an in-memory admin stands in for the target's user list."""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from types import SimpleNamespace

import pytest

from milvus_conformance.errors import HarnessError
from milvus_conformance.fuzz.hygiene import Hygiene
from milvus_conformance.fuzz.senders import Senders
from milvus_conformance.harness.ledger import Journal, UserLedger


class MemoryAdmin:
    def __init__(self, names=("root",)):
        self.names, self.lock = set(names), threading.Lock()

    def user_names(self):
        with self.lock:
            return sorted(self.names)

    def drop_user(self, name):
        assert name != "root"
        with self.lock:
            self.names.discard(name)


def hygiene(tmp_path, admin, max_alive=10):
    ledger = UserLedger(
        "abc123", Journal(tmp_path / "state", "abc123"), admin, max_alive, protected=frozenset({"root"})
    )
    return Hygiene(ledger, tmp_path / "locks" / "writers.lock")


def case(body, n=[0]):  # noqa: B006 - a counter for unique ids
    n[0] += 1
    return SimpleNamespace(id=f"case{n[0]}", body=body)


def senders(threads):
    return Senders(threads, lambda: None, nullcontext)


# ---- senders ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("threads", [1, 4])
def test_outcomes_come_back_in_the_cases_order(threads):
    def send_one(n):
        time.sleep(0.001 * (10 - n))  # later cases finish first
        if n % 3 == 0:
            raise ValueError(n)
        return n != 5

    def collect(exc):
        return [(exc.args[0], False)] if isinstance(exc, ValueError) else None

    sent = senders(threads).send_all(list(range(10)), send_one, collect)
    assert [one.sent for one in sent] == [True] * 5 + [False] + [True] * 4
    assert [f for one in sent for f, _ in one.failures] == [0, 3, 6, 9]


def test_a_harness_error_ends_the_batch_and_no_new_case_begins():
    began = []

    def send_one(n):
        began.append(n)
        time.sleep(0.02)
        if n == 0:
            raise HarnessError("target down")
        return True

    pool = senders(2)
    with pytest.raises(HarnessError):
        pool.send_all(list(range(50)), send_one, lambda exc: None)
    assert len(began) < 50  # the rest were cancelled, not sent
    pool.close()


def test_the_main_thread_keeps_its_session_and_each_sender_gets_its_own():
    made = []
    pool = Senders(3, lambda: made.append(SimpleNamespace(close=lambda: None)) or made[-1], nullcontext)
    assert pool.session("main") == "main"
    seen = pool.send_all(list(range(12)), lambda n: id(pool.session("main")), lambda exc: None)
    assert 1 <= len(made) <= 3 and all(one.sent for one in seen)  # one per sender thread
    pool.close()


# ---- hygiene: locks by name --------------------------------------------------------------------------
def test_a_name_is_locked_by_its_trimmed_case_folded_form(tmp_path):
    h = hygiene(tmp_path, MemoryAdmin())
    assert h.stripe(" Milvus ") == h.stripe("milvus") == h.stripe("MILVUS")


def test_requests_naming_other_users_overlap_and_one_name_waits(tmp_path):
    h = hygiene(tmp_path, MemoryAdmin())
    names = [f"fuzz{i}" for i in range(40)]
    a = next(n for n in names if h.stripe(n) != h.stripe("fuzzA"))
    inside = threading.Event()
    release = threading.Event()
    order = []

    def hold(name):
        with h.request(case({"userName": name}), "createUser") as step:
            order.append(("in", name))
            inside.set()
            release.wait(2)
            step.observe()
        order.append(("out", name))

    first = threading.Thread(target=hold, args=("fuzzA",))
    first.start()
    inside.wait(2)
    started = time.monotonic()
    with h.request(case({"userName": a}), "dropUser") as step:  # another name: not held up
        assert step is not None and time.monotonic() - started < 1
    same = threading.Thread(target=hold, args=(" fuzza ",))
    same.start()
    time.sleep(0.2)
    assert ("in", " fuzza ") not in order  # the same name (folded): waits for the first
    release.set()
    first.join(2)
    same.join(2)
    assert order.index(("out", "fuzzA")) < order.index(("in", " fuzza "))


def test_a_create_that_creates_is_owned_then_dropped_and_a_refused_one_frees_its_room(tmp_path):
    admin = MemoryAdmin()
    h = hygiene(tmp_path, admin)
    with h.request(case({"userName": "fuzzA"}), "createUser") as step:
        admin.names.add("fuzzA")  # the server created it
        step.observe()
        assert "fuzzA" in h.ledger.owned
    assert "fuzzA" not in admin.names and not h.ledger._reserved
    with h.request(case({"userName": "fuzzB"}), "createUser") as step:
        step.observe()  # refused: nothing appeared
    assert not h.ledger._reserved and not h.ledger.owned


def test_a_writer_naming_nobody_is_sent_without_listings(tmp_path):
    admin = MemoryAdmin()
    listings = []
    admin.user_names = lambda: listings.append(1) or ["root"]
    h = hygiene(tmp_path, admin)
    c = case({"password": "x"})
    with h.request(c, "createUser") as step:
        assert step is not None
        assert h.facts[c.id].appeared == frozenset()  # nothing can appear: the checks know it
        step.observe()
    assert listings == []


def test_a_body_naming_someone_elses_user_is_not_sent(tmp_path):
    h = hygiene(tmp_path, MemoryAdmin({"root", "alice"}))
    with h.request(case({"userName": "alice"}), "dropUser") as step:
        assert step is None
