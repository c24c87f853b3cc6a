"""The kill verdict and the kill-rate views (results/killrate.py, reports/killrate.py), on hand-made
results: no suite is run here."""

from __future__ import annotations

import json

from milvus_conformance.faults import killrate_runner as killrate
from milvus_conformance.faults.catalogue import by_name
from milvus_conformance.reports.killrate import render_markdown, write
from milvus_conformance.results.killrate import CleanRun, FaultOutcome, KillRateResult, read_json

DUP = "USER-CREATE-DUPLICATE"


def _results(*cases):
    return {
        "cases": [{"case_id": c, "status": s, "requirements": r, "message": "m"} for c, s, r in cases],
        "harness_errors": [],
    }


def test_judge_fault():
    fault = by_name("duplicate-code-0")
    status, killers, *_ = killrate.judge_fault(fault, _results(("a", "fail", [DUP]), ("b", "pass", [DUP])), 1)
    assert status == "killed" and killers == ["a"]
    status, *_ = killrate.judge_fault(fault, _results(("a", "fail", ["USER-CREATE-ROUTE"])), 1)
    assert status == "survived"  # a failure citing another requirement
    status, *_ = killrate.judge_fault(fault, _results(("a", "fail", [DUP])), 1, noise={"a"})
    assert status == "survived"  # fails without the fault too
    assert killrate.judge_fault(fault, _results(("a", "unexpected_pass", [DUP])), 1)[0] == "killed"
    assert killrate.judge_fault(fault, None, 3)[0] == "error"
    assert killrate.judge_fault(fault, _results(("a", "pass", [DUP])), 3)[0] == "error"  # no verdict


def _outcome(name, requirement, status="killed", killed_by=("tests/x.py::t",)):
    return FaultOutcome(name, requirement, "rest", "http", "d", status, list(killed_by))


def _result(*outcomes) -> KillRateResult:
    return KillRateResult(
        "embedded",
        10,
        CleanRun(0, 1.0),
        list(outcomes),
        2.0,
        requirements={
            DUP: "MUST",
            "USER-CREATE-ROUTE": "MUST",
            "USER-DROP-SEMANTICS": "MUST",
            "USER-CREATE-CONCURRENCY": "SHOULD",
        },
        without_fault={"USER-DROP-SEMANTICS": "merged later"},
    )


def test_per_requirement_view_shows_the_weak_spots():
    result = _result(
        _outcome("f", DUP, killed_by=["tests/x.py::a", "tests/x.py::b"]),
        _outcome("g", DUP, killed_by=["tests/x.py::a"]),
        _outcome("h", "USER-CREATE-ROUTE"),
        _outcome("c", "USER-CREATE-CONCURRENCY", status="survived", killed_by=()),
    )
    rows = {r.id: r for r in result.by_requirement()}
    assert rows[DUP].verdict == "single-case fault" and [f.name for f in rows[DUP].single_case_faults] == ["g"]
    assert rows["USER-CREATE-ROUTE"].verdict == "one case"
    assert rows["USER-DROP-SEMANTICS"].verdict == "no fault"
    assert rows["USER-CREATE-CONCURRENCY"].verdict == "fault survives"
    md = render_markdown(result)
    assert "| USER-CREATE-DUPLICATE | MUST | `f` 2, `g` 1 | 2 | single-case fault |" in md
    assert "USER-DROP-SEMANTICS: merged later" in md
    assert "- faults killed by a single case: 2" in md and "`g` (USER-CREATE-DUPLICATE): `tests/x.py::a`" in md
    assert "- faults not killed: 1" in md


def test_report_files_are_views_of_one_result(tmp_path):
    result = _result(_outcome("f", DUP))
    write(result, tmp_path)
    data = json.loads((tmp_path / "killrate.json").read_text())
    assert data["killed"] == 1 and data["counted"] == 1
    assert read_json(tmp_path / "killrate.json") == result  # the JSON is the object, round-trip
    assert "| `f` | http | USER-CREATE-DUPLICATE | killed | `tests/x.py::t`" in (tmp_path / "killrate.md").read_text()


def test_slow_cases_not_run_and_awaited_cases_are_shown():
    killed = _outcome("f", DUP)
    killed.not_run = 3
    waiting = _outcome("w", DUP, status="survived", killed_by=())
    waiting.awaiting_case = "a multibyte password at the minimum"
    md = render_markdown(_result(killed, waiting))
    assert "`f` 1 (+3 slow not run)" in md and "`tests/x.py::t` (+3 slow not run)" in md
    assert "`w` (USER-CREATE-DUPLICATE): survived; awaiting a case: a multibyte password at the minimum" in md
