"""Outcomes (`refused (0)` vs `refused (1100)`) in the matrix and the comparison: two runs with the same
statuses but different answers must show the difference."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_reports import make_case, make_run  # noqa: E402

from milvus_conformance.reports.compare import compare, render_comparison_md  # noqa: E402
from milvus_conformance.reports.matrix import differing_cases, render_matrix_html, render_matrix_md  # noqa: E402
from milvus_conformance.reports.outcomes import outcome_of, requirement_outcomes  # noqa: E402
from milvus_conformance.results.model import Status  # noqa: E402

EXC = "pymilvus.exceptions.MilvusException"


@pytest.mark.parametrize(
    "observed,label",
    [
        ({"status": 200, "content_type": "json", "body": {"code": 0, "data": {}}}, "ok"),
        ({"status": 200, "content_type": "json", "body": {"code": 1100, "message": "x"}}, "refused (1100)"),
        ({"status": 401, "content_type": "json", "body": {"code": 1800}}, "HTTP 401 (1800)"),
        ({"status": 404, "content_type": "text", "body": "404 page not found"}, "HTTP 404"),
        ({"raised": None, "code": None, "returned": None}, "ok"),
        ({"raised": EXC, "code": 0, "returned": None}, "refused (0)"),
        ({"raised": "pymilvus.exceptions.ParamError", "code": 1}, "ParamError (1)"),
        (
            {"raised": "grpc._channel._InactiveRpcError", "code": "DEADLINE_EXCEEDED"},
            "grpc.RpcError (DEADLINE_EXCEEDED)",
        ),
        (
            {"rest": {"status": 200, "body": {"code": 1100}}, "sdk-utility": {"raised": EXC, "code": 0}},
            "REST refused (1100) / SDK refused (0)",
        ),
        (None, None),
        ({"code": 0, "note": "not an observation"}, None),
    ],
)
def test_outcome_labels(observed, label):
    assert outcome_of(observed) == label


def _sdk_case(case_id, status, code, reqs=("USR-002",)):
    case = make_case(case_id, status, list(reqs), surface="sdk")
    case.observed = {"raised": EXC, "code": code, "returned": None}
    return case


def _runs():
    old = make_run(
        [_sdk_case("t::dup", Status.KNOWN_DEVIATION, 0), _sdk_case("t::same", Status.PASS, 1, ("USR-001",))],
        run_id="old",
        profile="embedded-2.2.16",
    )
    new = make_run(
        [_sdk_case("t::dup", Status.KNOWN_DEVIATION, 65535), _sdk_case("t::same", Status.PASS, 1, ("USR-001",))],
        run_id="new",
        profile="embedded",
    )
    return old, new


def test_same_status_different_code_is_a_changed_outcome_not_a_regression():
    old, new = _runs()
    c = compare(old, new)
    assert [ch.case_id for ch in c.changed_outcomes] == ["t::dup"]
    assert (c.changed_outcomes[0].before_outcome, c.changed_outcomes[0].after_outcome) == (
        "refused (0)",
        "refused (65535)",
    )
    assert [(r.req_id, r.before_outcomes, r.after_outcomes) for r in c.requirement_changes] == [
        ("USR-002", "SDK: refused (0) x1", "SDK: refused (65535) x1")
    ]
    assert not c.has_regressions
    text = render_comparison_md(c)
    assert "## Changed outcomes (1)" in text and "refused (0)" in text and "refused (65535)" in text


def test_matrix_cells_and_differing_cases_show_the_codes():
    old, new = _runs()
    assert requirement_outcomes(old, "USR-002") == "SDK: refused (0) x1"
    rows = differing_cases([old, new])
    assert [r.case_id for r in rows] == ["t::dup"]
    md = render_matrix_md([old, new])
    line = next(ln for ln in md.splitlines() if ln.startswith("| USR-002 "))
    assert line.index("refused (0)") < line.index("refused (65535)")
    assert "## Cases whose status or outcome differs (1)" in md
    assert "gateway" in md, "an embedded run says which parts come from the gateway"
    page = render_matrix_html([old, new])
    assert "refused (0)" in page and "Cases whose status or outcome differs (1)" in page
