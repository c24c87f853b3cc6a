"""The suite only ever drops users it created; leftovers of dead runs are swept, nobody else's."""

import json

import pytest

from milvus_conformance.errors import HarnessError
from milvus_conformance.harness.ledger import Journal, UserLedger, run_prefix
from milvus_conformance.harness.sweep import journal_leftovers, sweep

ROOT_ONLY = frozenset({"root"})  # the protected admin of these tests


class FakeAdmin:
    def __init__(self, names):
        self.names = set(names)
        self.dropped = []

    def user_names(self):
        return sorted(self.names)

    def drop_user(self, name):
        assert name != "root"
        self.dropped.append(name)
        self.names.discard(name)


def make(tmp_path, admin, run_id="abc123", max_alive=5):
    return UserLedger(run_id, Journal(tmp_path, run_id), admin, max_alive, protected=ROOT_ONLY)


def test_names_carry_the_run_prefix_and_exact_lengths(tmp_path):
    ledger = make(tmp_path, FakeAdmin([]))
    assert ledger.fresh_name().startswith(run_prefix("abc123"))
    assert len(ledger.fresh_name(length=32)) == 32


def test_refuses_to_drop_what_it_did_not_create(tmp_path):
    admin = FakeAdmin(["root", "alice"])
    ledger = make(tmp_path, admin)
    for name in ("root", "alice"):
        with pytest.raises(HarnessError):
            ledger.release(name)
    assert admin.dropped == []


def test_budget_of_live_users(tmp_path):
    ledger = make(tmp_path, FakeAdmin([]), max_alive=2)
    for i in range(2):
        ledger.will_create(f"u{i}")
        ledger.created(f"u{i}")
    with pytest.raises(HarnessError, match="budget"):
        ledger.will_create("u2")


def test_settled_room_verifies_pending_drops_first(tmp_path):
    """A case sized by the budget reads the same room whether earlier drops were verified yet or not
    (test_impossible_timeout_then_the_run_goes_on once ran fewer attempts, and flipped verdicts)."""
    admin = FakeAdmin([])
    ledger = make(tmp_path, admin, max_alive=5)
    for name in ("u0", "u1"):
        ledger.will_create(name)
        admin.names.add(name)
        ledger.created(name)
        ledger.release(name, verify=False)
    assert ledger.room == 3, "unverified drops count as alive"
    assert ledger.settled_room() == 5 and not ledger.unverified


def dead_run(tmp_path, run_id, target, events):
    d = tmp_path / "runs" / run_id
    d.mkdir(parents=True)
    (d / "owner.json").write_text(json.dumps({"pid": 2**22 + 12345, "target": target}))
    (d / "users-gw0.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events) + '{"cut')


def test_sweep_drops_only_a_dead_runs_own_users(tmp_path):
    p = run_prefix("dead01")
    others = ["root", "alice", "cfzzzzzz_lookalike", p.upper() + "x"]  # prefix pattern, no marker
    admin = FakeAdmin(others + [p + "a", p + "b", "Q", "R", "9" + p + "c"])
    dead_run(
        tmp_path,
        "dead01",
        "T",
        [
            {"event": "intent", "name": p + "a"},  # killed mid-create
            {"event": "intent", "name": p + "b"},
            {"event": "created", "name": p + "b"},
            {"event": "intent", "name": "Q", "exact": True},
            {"event": "created", "name": "Q", "exact": True},
            {"event": "intent", "name": "R", "exact": True},  # never confirmed: maybe not ours
            {"event": "intent", "name": "9" + p + "c"},
        ],
    )
    dropped = sweep(tmp_path, "T", admin, protected=ROOT_ONLY).dropped()
    assert sorted(dropped) == sorted([p + "a", p + "b", "Q", "9" + p + "c"])
    assert set(others) | {"R"} <= admin.names
    assert not (tmp_path / "runs" / "dead01").exists()


def test_sweep_finds_a_dead_runs_users_through_another_address(tmp_path):
    """Issue 26: the same server behind another address (an IP, a load balancer, a proxy). Names with
    the dead run's prefix are its own wherever they are listed (also with characters put first or
    surrounding spaces kept); once one is listed, the server is proven, and its exact names go too."""
    p = run_prefix("other1")
    admin = FakeAdmin(["root", "alice", "Q", p + "a", "Ab_9" + p + "b", f" {p}c "])
    dead_run(
        tmp_path,
        "other1",
        "ANOTHER-ADDRESS",
        [
            {"event": "intent", "name": p + "a"},
            {"event": "intent", "name": "Ab_9" + p + "b"},
            {"event": "intent", "name": f" {p}c "},
            {"event": "intent", "name": "Q", "exact": True},
            {"event": "created", "name": "Q", "exact": True},
        ],
    )
    dropped = sweep(tmp_path, "T", admin, protected=ROOT_ONLY).dropped()
    assert sorted(dropped) == sorted([p + "a", "Ab_9" + p + "b", f" {p}c ", "Q"])
    assert admin.names == {"root", "alice"}
    assert not (tmp_path / "runs" / "other1").exists()


def test_sweep_keeps_another_servers_journal_and_its_exact_names(tmp_path):
    """Nothing of that run listed here: maybe another server; its exact names are left alone (they
    may be somebody else's here) and its journal stays for the server it belongs to."""
    admin = FakeAdmin(["root", "Q"])
    dead_run(
        tmp_path,
        "other2",
        "ANOTHER-SERVER",
        [
            {"event": "intent", "name": run_prefix("other2") + "a"},
            {"event": "intent", "name": "Q", "exact": True},
            {"event": "created", "name": "Q", "exact": True},
        ],
    )
    assert sweep(tmp_path, "T", admin, protected=ROOT_ONLY).found() == []
    assert admin.names == {"root", "Q"} and (tmp_path / "runs" / "other2").exists()


def test_dropped_users_are_not_leftovers(tmp_path):
    p = run_prefix("run002")
    dead_run(
        tmp_path,
        "run002",
        "T",
        [
            {"event": "intent", "name": p + "a"},
            {"event": "created", "name": p + "a"},
            {"event": "dropped", "name": p + "a"},
        ],
    )
    assert journal_leftovers(tmp_path / "runs" / "run002") == set()


def test_sweep_leaves_a_run_alone_while_any_of_its_writers_lives(tmp_path):
    """An orphaned xdist worker of a killed controller may still create users: not swept yet."""
    import os

    p = run_prefix("orphan")
    admin = FakeAdmin([p + "a"])
    dead_run(tmp_path, "orphan", "T", [{"event": "intent", "name": p + "a", "pid": os.getpid()}])
    assert sweep(tmp_path, "T", admin, protected=ROOT_ONLY).found() == [] and admin.names == {p + "a"}


def test_unconfirmed_exact_names_are_reported_not_dropped(tmp_path):
    admin = FakeAdmin(["milvusAdmin"])
    dead_run(tmp_path, "dead02", "T", [{"event": "intent", "name": "milvusAdmin", "exact": True}])
    swept = sweep(tmp_path, "T", admin, protected=ROOT_ONLY)
    assert swept.found() == [] and swept.suspects == {"milvusAdmin"} and admin.names == {"milvusAdmin"}


def test_a_duplicate_attempt_on_an_owned_exact_name_keeps_it_ours(tmp_path):
    """create Q (confirmed), then a duplicate create of Q (intent only): still ours, dropped."""
    admin = FakeAdmin(["Q"])
    dead_run(
        tmp_path,
        "dead03",
        "T",
        [
            {"event": "intent", "name": "Q", "exact": True},
            {"event": "created", "name": "Q", "exact": True},
            {"event": "intent", "name": "Q", "exact": True},
        ],
    )
    swept = sweep(tmp_path, "T", admin, protected=ROOT_ONLY)
    assert swept.dropped() == ["Q"] and swept.suspects == set()


def test_an_exact_name_another_case_in_flight_holds_is_waited_for(tmp_path):
    """Run ahead, a case claiming 'Z' while another case of ours still has it (created, or dropped
    and not yet seen gone) waits, as a serial run would have found it free; serially it is refused."""
    import threading

    admin = FakeAdmin({"root"})
    ledger = make(tmp_path, admin)
    assert ledger.claim_exact("Z")
    ledger.will_create("Z", exact=True)
    admin.names.add("Z")
    ledger.created("Z", exact=True)
    assert not ledger.claim_exact("Z")  # serially: somebody (this run) has it
    claimed = []
    with ledger.in_thread():
        other = threading.Thread(target=lambda: claimed.append(ledger.claim_exact("Z")))
        other.start()
        other.join(0.3)
        assert other.is_alive() and not claimed  # waits while the first case holds it
        ledger.release("Z", verify=False)
        other.join(5)
    assert claimed == [True] and "Z" not in ledger.unverified


def test_held_names_are_every_name_a_case_of_the_run_still_holds(tmp_path):
    """What a case that reads a listing subtracts as other cases' users (test_name_stored_exactly)."""
    admin = FakeAdmin([])
    ledger = make(tmp_path, admin, max_alive=5)
    ledger.will_create("made", own=[])
    ledger.created("made")
    ledger.will_create("pending", own=[])  # a create in flight
    assert ledger.claim_exact("Z")
    ledger.will_create("gone", own=[])
    ledger.created("gone")
    ledger.release("gone", verify=False)  # dropped, not yet seen gone
    assert ledger.held() == {"made", "pending", "Z", "gone"}
    ledger.verify_drops()
    assert ledger.held() == {"made", "pending", "Z"}
