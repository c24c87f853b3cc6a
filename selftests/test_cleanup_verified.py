"""Clean-up that verifies itself, without a server: a drop that answers success is not taken as proof
(the ledger and the sweep list the target), users still there stay journaled and count against the
budget, the next run drops them again, the budget is checked before anything is created, and the
warning reaches results.json and every report. The same against a real server and the fault proxies:
test_cleanup_on_broken_drop.py."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from milvus_conformance.errors import HarnessError
from milvus_conformance.harness.cleanup import Budget, end_of_run, start_of_run
from milvus_conformance.harness.config import from_values
from milvus_conformance.harness.ledger import Journal, UserLedger, run_prefix
from milvus_conformance.harness.sweep import journal_leftovers, sweep
from milvus_conformance.harness.run_context import RunContext
from milvus_conformance.reports.html import render_html
from milvus_conformance.reports.junit import render_junit
from milvus_conformance.reports.markdown import render_summary_md
from milvus_conformance.reports.parity import render_parity_md
from milvus_conformance.results.io import read_results, write_results
from milvus_conformance.results.model import RunResult, Target

ROOT_ONLY = frozenset({"root"})  # the protected admin of these tests


class Admin:
    """A target's users; `drops` False: drop answers success and removes nothing (drop-noop)."""

    def __init__(self, names=("root",), drops=True):
        self.names, self.drops, self.drop_calls = set(names), drops, []

    def user_names(self):
        return sorted(self.names)

    def drop_user(self, name):
        assert name != "root"
        self.drop_calls.append(name)
        if self.drops:
            self.names.discard(name)


def ledger_of(tmp_path, admin, run_id="run001", max_alive=3):
    return UserLedger(run_id, Journal(tmp_path, run_id), admin, max_alive, protected=ROOT_ONLY)


def create(ledger, admin, name):
    ledger.will_create(name)
    admin.names.add(name)
    ledger.created(name)


def test_a_drop_that_removes_nothing_keeps_the_user_journaled_and_counted(tmp_path):
    admin = Admin(drops=False)
    ledger = ledger_of(tmp_path, admin, max_alive=2)
    name = ledger.fresh_name()
    create(ledger, admin, name)
    ledger.release(name)
    assert name not in ledger.owned and ledger.stuck == {name}
    assert journal_leftovers(tmp_path / "runs" / "run001") == {name}  # not journaled "dropped"
    create(ledger, admin, ledger.fresh_name())
    with pytest.raises(HarnessError, match="1 of them still on the target after their drop answered"):
        ledger.will_create(ledger.fresh_name())  # 2 alive: 1 owned + 1 stuck


def test_a_verified_drop_is_journaled_and_frees_the_budget(tmp_path):
    admin = Admin()
    ledger = ledger_of(tmp_path, admin, max_alive=1)
    name = ledger.fresh_name()
    create(ledger, admin, name)
    ledger.release(name)
    assert ledger.stuck == set() and journal_leftovers(tmp_path / "runs" / "run001") == set()
    ledger.will_create(ledger.fresh_name())


def test_release_all_drops_the_stuck_ones_again(tmp_path):
    admin = Admin(drops=False)
    ledger = ledger_of(tmp_path, admin)
    names = [ledger.fresh_name() for _ in range(2)]
    for name in names:
        create(ledger, admin, name)
    ledger.release(names[0])
    admin.drops = True  # e.g. a transient fault, gone by the end
    assert ledger.release_all() == [names[1]]
    assert admin.drop_calls == [names[0], names[1], names[0]]
    assert ledger.stuck == set() and journal_leftovers(tmp_path / "runs" / "run001") == set()


def dead_run(tmp_path, run_id, names, target="T"):
    d = tmp_path / "runs" / run_id
    d.mkdir(parents=True)
    (d / "owner.json").write_text(json.dumps({"pid": 2**22 + 4242, "target": target}))
    events = [
        e
        for n in names
        for e in (
            {"event": "intent", "name": n, "pid": 2**22 + 4242},
            {"event": "created", "name": n, "pid": 2**22 + 4242},
        )
    ]
    (d / "users-main.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    return d


def test_a_sweep_keeps_the_journal_of_users_still_there_and_the_next_one_removes_them(tmp_path):
    p = run_prefix("dead07")
    admin = Admin(["root", "alice", p + "a", p + "b", p + "c"], drops=False)
    run_dir = dead_run(tmp_path, "dead07", [p + "a", p + "b", p + "c"])
    first = sweep(tmp_path, "T", admin, protected=ROOT_ONLY)
    assert first.found() == [p + "a", p + "b", p + "c"] and first.dropped() == []
    assert first.remaining("dead07") == [p + "a", p + "b", p + "c"] and run_dir.is_dir()

    admin.names.discard(p + "a")  # gone meanwhile: not "remaining" again
    admin.drops = True
    second = sweep(tmp_path, "T", admin, protected=ROOT_ONLY)  # same process: its "dropped" records are no writer
    assert second.found() == [p + "b", p + "c"] and second.dropped() == [p + "b", p + "c"]
    assert second.remaining() == [] and not run_dir.exists()
    assert admin.names == {"root", "alice"}


def test_a_partly_failed_sweep_records_what_is_verified_gone(tmp_path):
    p = run_prefix("dead08")
    admin = Admin(["root", p + "a", p + "b"])
    admin.drop_user = lambda name: admin.names.discard(name) if name == p + "a" else None
    run_dir = dead_run(tmp_path, "dead08", [p + "a", p + "b"])
    swept = sweep(tmp_path, "T", admin, protected=ROOT_ONLY)
    assert swept.dropped() == [p + "a"] and swept.remaining() == [p + "b"]
    assert journal_leftovers(run_dir) == {p + "b"}
    del admin.drop_user  # works again; the sweep's own records (this
    again = sweep(tmp_path, "T", admin, protected=ROOT_ONLY)  # process's pid) do not make the run look alive
    assert again.found() == again.dropped() == [p + "b"] and not run_dir.exists()


def test_the_budget_before_anything_is_created():
    assert Budget(20, ours_left=0, on_target=1, cap=100).check() == ""
    assert Budget(20, ours_left=0, on_target=500, cap=None).check() == ""  # cap unknown: not checked
    note = Budget(20, ours_left=5, on_target=6, cap=100).check()
    assert "at most 15 users" in note and "5 users of earlier runs" in note
    assert "at most 10 users" in Budget(20, ours_left=0, on_target=90, cap=100).check()
    with pytest.raises(HarnessError, match="19 users of earlier runs"):
        Budget(20, ours_left=19, on_target=20, cap=100).check()
    with pytest.raises(HarnessError, match="99 of its 100 users"):
        Budget(20, ours_left=0, on_target=99, cap=100).check()
    with pytest.raises(HarnessError, match="at least 4"):
        Budget(20, ours_left=17, on_target=18, cap=None, processes=2).check()


def context(tmp_path, **values):
    ctx = RunContext(
        config=from_values(
            {
                "base_url": "http://127.0.0.1:9",
                "token": "root:Milvus",
                "profile": "milvus-2.5",
                "state_dir": str(tmp_path),
                **values,
            },
            env={},
        ),
        run_id="now001",
    )
    ctx.base_url, ctx.started = ctx.config.base_url, True
    return ctx


def test_start_of_run_drops_earlier_leftovers_again_and_shrinks_the_budget(tmp_path):
    ctx = context(tmp_path)
    p = run_prefix("dead09")
    admin = Admin(["root", p + "a", p + "b", p + "c"], drops=False)
    admin.drop_user = lambda name: admin.names.discard(name) if name == p + "a" else None
    dead_run(tmp_path, "dead09", [p + "a", p + "b", p + "c"], target=ctx.fingerprint)
    said = []
    warnings = start_of_run(ctx, admin, 1, said.append)
    assert said[0] == (
        "found 3 user(s) left by earlier runs against this target; removed 1; 2 still on "
        "the target after drop answered success"
    )
    assert "at most 18 users alive at once (not 20)" in said[1] and ctx.config.max_users == 18
    assert warnings == [
        "2 users left by earlier runs are still on the target after drop answered "
        "success; they stay in their journals and count against --max-users"
    ]


def test_start_of_run_refuses_when_leftovers_fill_the_budget(tmp_path):
    ctx = context(tmp_path, max_users="3")
    p = run_prefix("dead10")
    names = [p + c for c in "abc"]
    admin = Admin(["root", *names], drops=False)
    dead_run(tmp_path, "dead10", names, target=ctx.fingerprint)
    with pytest.raises(HarnessError, match="no room for the run's users before creating any"):
        start_of_run(ctx, admin, 1, lambda line: None)
    assert admin.names == {"root", *names}


def test_end_of_run_warns_with_the_count_of_this_runs_users_only(tmp_path):
    ctx = context(tmp_path)
    p = run_prefix(ctx.run_id)
    admin = Admin(["root", p + "a", p + "b"], drops=False)
    journal = Journal(tmp_path, ctx.run_id)
    journal.open_run(ctx.fingerprint)
    for name in (p + "a", p + "b"):
        journal.write("intent", name)
        journal.write("created", name)
    warnings = end_of_run(ctx, admin)
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "2 users created by this run are still on the target after drop answered success; kept in the journal"
    )
    assert journal_leftovers(tmp_path / "runs" / ctx.run_id) == {p + "a", p + "b"}
    admin.drops = True
    assert end_of_run(ctx, admin) == [] and not (tmp_path / "runs" / ctx.run_id).exists()


WARNING = "3 users created by this run are still on the target after drop answered success"


def run_with_warning() -> RunResult:
    return RunResult(
        run_id="r1",
        target=Target("http://h:1", "", "embedded", False),
        tool_version="t",
        spec_version="s",
        started_at="2026-12-01T00:00:00+00:00",
        finished_at="2026-12-01T00:00:01+00:00",
        requirements=[],
        cases=[],
        harness_warnings=[WARNING + " <b>"],
    )


def test_the_warning_is_in_results_json_and_every_view(tmp_path):
    run = run_with_warning()
    path = write_results(run, tmp_path / "results.json")
    assert read_results(path).harness_warnings == [WARNING + " <b>"]  # schema-valid, round trip
    assert WARNING in render_summary_md(run) and WARNING in render_parity_md(run)
    html = render_html(run)
    assert WARNING + " &lt;b&gt;" in html and "Harness warnings (1)" in html
    root = ET.fromstring(render_junit(run).split("\n", 1)[1])
    skipped = root.find(".//testcase[@name='harness warning 1']/skipped")
    assert skipped is not None and skipped.get("message").startswith(WARNING)
    assert root.get("errors") == "0" and root.get("failures") == "0"
    assert run.overall().value == "skip"  # a warning is no verdict


def test_a_results_file_without_warnings_still_reads(tmp_path):
    data = run_with_warning().to_dict()
    del data["harness_warnings"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    assert read_results(path).harness_warnings == []
