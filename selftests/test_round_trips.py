"""Fewer round trips without a weaker promise (issue 23): a drop is verified by the next listing
anyone of the process makes after it answered, pending drops count against the user budget, and a
drop the target did not carry out is still found; the worker count follows the round trip."""

import time

from milvus_conformance.harness import jobs
from milvus_conformance.harness.ledger import Journal, UserLedger
from milvus_conformance.harness.sweep import read_journal

ROOT_ONLY = frozenset({"root"})


class CountingAdmin:
    """A target whose drops may be ignored (`broken`), counting listings."""

    def __init__(self, broken=()):
        self.names, self.broken, self.listings = {"root"}, set(broken), 0

    def user_names(self):
        self.listings += 1
        return sorted(self.names)

    def drop_user(self, name):
        if name not in self.broken:
            self.names.discard(name)


def make(tmp_path, admin, max_alive=5):
    return UserLedger("abc123", Journal(tmp_path, "abc123"), admin, max_alive, protected=ROOT_ONLY)


def create(ledger, admin, name):
    ledger.will_create(name)
    admin.names.add(name)
    ledger.created(name)


def test_one_listing_verifies_several_drops(tmp_path):
    admin = CountingAdmin()
    ledger = make(tmp_path, admin)
    for name in ("a", "b", "c"):
        create(ledger, admin, name)
        ledger.release(name, verify=False)
    assert admin.listings == 0 and set(ledger.unverified) == {"a", "b", "c"}
    ledger.verify_drops()
    assert admin.listings == 1 and not ledger.unverified and not ledger.stuck
    assert read_journal(tmp_path / "runs" / "abc123").leftovers == set()


def test_a_case_listing_verifies_only_drops_made_before_it(tmp_path):
    admin = CountingAdmin()
    ledger = make(tmp_path, admin)
    create(ledger, admin, "a")
    started = time.monotonic()  # a listing that began before the drop answered
    ledger.release("a", verify=False)
    ledger.observe(admin.user_names(), started)
    assert "a" in ledger.unverified
    ledger.observe(admin.user_names(), time.monotonic())
    assert not ledger.unverified


def test_a_drop_the_target_ignored_is_found_by_the_next_listing(tmp_path):
    admin = CountingAdmin(broken={"a"})
    ledger = make(tmp_path, admin)
    create(ledger, admin, "a")
    ledger.release("a", verify=False)
    ledger.observe(admin.user_names(), time.monotonic())
    assert ledger.stuck == {"a"}
    assert read_journal(tmp_path / "runs" / "abc123").leftovers == {"a"}


def test_pending_drops_count_against_the_budget_until_a_listing(tmp_path):
    admin = CountingAdmin(broken={"u0"})
    ledger = make(tmp_path, admin, max_alive=2)
    for name in ("u0", "u1"):
        create(ledger, admin, name)
        ledger.release(name, verify=False)
    assert ledger.room == 0
    ledger.will_create("u2")  # full: lists once, u1 is gone, u0 still there (stuck)
    assert admin.listings == 1 and ledger.stuck == {"u0"} and ledger.room == 2
    admin.names.add("u2")
    ledger.created("u2")
    try:
        ledger.will_create("u3")  # u0 (stuck) + u2 (owned): the budget of 2 holds
        raise AssertionError("the budget did not hold")
    except Exception as exc:  # noqa: BLE001
        assert "budget" in str(exc)


def test_workers_follow_the_round_trip():
    assert jobs.recommend(None) == 0  # not measured: serial
    assert jobs.recommend(0.0005) == jobs.LOCAL_THREADS  # local: the target shares the cores
    assert jobs.recommend(0.0005, max_users=4) == 0
    assert jobs.recommend(0.008) == 6  # threads (--jobs auto): one per 1.25 ms
    assert jobs.recommend(0.020) == 8  # 16 by the round trip, 8 by --max-users 20 (2.5 users a case)
    assert jobs.recommend(0.020, max_users=40) == 16  # the README's recommendation for a cluster
    assert jobs.recommend(0.010, max_users=100) == 8
    assert jobs.recommend(0.200, max_users=100) == jobs.MAX_THREADS
    assert jobs.recommend(0.020, max_users=4) == 0  # one case's users only: serial
    assert jobs.recommend_workers(0.008) == 3  # xdist workers (-n auto): one per 3 ms
    assert jobs.recommend_workers(0.020) == 5  # 7 by the round trip, 5 by --max-users 20
    assert jobs.recommend_workers(0.020, max_users=100) == 7
    assert jobs.recommend_workers(0.200, max_users=100) == jobs.MAX_WORKERS
