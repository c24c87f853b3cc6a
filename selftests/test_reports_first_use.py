"""What the reports claim (issue 27). The parity line claims only what ran: a scenario counts as run
on both surfaces when a REST case and an SDK case of it both have an outcome; with --read-only, REST
only or gRPC only its cases skip, and parity was not measured. report.html shows failures first."""

from __future__ import annotations

import pytest

from milvus_conformance.reports.parity import parity_line, parity_rows, render_parity_md
from milvus_conformance.results.model import CaseResult, RunResult, Status, Target


def _case(scenario: str, channel: str, outcome: str | None, code: int = 1100) -> CaseResult:
    """outcome: "ok", "refused", or None (skipped: no observation)."""
    rest = channel == "rest"
    observed = None
    if outcome is not None:
        ok = outcome == "ok"  # the stored Observation shape (results/observation.py)
        observed = (
            {"status": 200, "body": {"code": 0 if ok else code}, "accepted": ok}
            if rest
            else {"raised": None if ok else "MilvusException", "code": 0 if ok else code, "accepted": ok}
        )
    return CaseResult(
        case_id=f"tests/t.py::{scenario}[{channel}]",
        name=scenario,
        requirements=["R"],
        surface="rest" if rest else "sdk",
        operation="users/create",
        status=Status.SKIP if outcome is None else Status.PASS,
        observed=observed,
        style=None if rest else channel,
        scenario=scenario,
    )


def _run(cases, base_url="http://h:1", grpc_uri="http://h:2") -> RunResult:
    return RunResult(
        run_id="r",
        target=Target(base_url=base_url, grpc_uri=grpc_uri, profile="p", embedded=False),
        tool_version="0",
        spec_version="0",
        started_at="",
        finished_at="",
        requirements=[],
        cases=cases,
    )


def _both(outcomes):
    return [_case(s, ch, o) for s, (r, u) in outcomes.items() for ch, o in (("rest", r), ("utility", u))]


def test_scenarios_that_ran_on_both_are_counted_and_a_disagreement_found():
    run = _run(_both({"a": ("ok", "ok"), "b": ("refused", "ok"), "c": ("refused", "refused")}))
    assert parity_line(run) == "3 scenarios ran on both surfaces, 1 disagree"


@pytest.mark.parametrize(
    "base_url,grpc_uri,why",
    [
        ("", "http://h:2", "no REST target"),  # gRPC only: the REST cases skip
        ("http://h:1", "", "no gRPC target"),  # REST only
        ("http://h:1", "http://h:2", "none of its 2 scenarios ran on both surfaces"),  # --read-only
    ],
)
def test_nothing_ran_on_both_surfaces_says_not_measured(base_url, grpc_uri, why):
    run = _run(
        _both({"a": (None, None), "b": ("ok" if not grpc_uri else None, "ok" if not base_url else None)}),
        base_url,
        grpc_uri,
    )
    assert len(parity_rows(run)) == 2
    line = parity_line(run)
    assert line == f"not measured ({why})", line
    assert "ran on both surfaces; " not in render_parity_md(run)
    assert f"Parity: not measured ({why})." in render_parity_md(run)


def test_scenarios_skipped_on_one_surface_are_not_counted():
    run = _run(_both({"a": ("ok", "ok"), "b": ("ok", None), "c": (None, "refused")}))
    assert parity_line(run) == "1 scenario ran on both surfaces, 0 disagree; 2 not measured (skipped on a surface)"


def test_report_html_lists_failures_before_every_table_with_their_cases_opened():
    """report.html: a reader sees what went wrong first (issue 27), without using the filter."""
    from milvus_conformance.reports.html import render_html

    cases = [_case("fine", "rest", "ok"), _case("broken", "rest", "refused")]
    cases[1].status, cases[1].message = Status.FAIL, "expected accepted, got refused (1100)"
    page = render_html(_run(cases))
    failures = page.index('<h2 id="failures"')
    assert failures < page.index("<h2>Requirements") and failures < page.index('class="filters"')
    assert "Failures — 1</h2>" in page and "expected accepted, got refused (1100)" in page
    assert page.count(" open>") == 1 and 'data-status="fail" open>' in page
    assert render_html(_run(cases[:1])).count("Failures — none") == 1
