"""The parity view pairs a scenario's REST and SDK cases and flags disagreements."""
from milvus_conformance.reports.parity import parity_rows, render_parity_md
from milvus_conformance.results.model import CaseResult, RunResult, Status, Target


def case(cid, observed):
    return CaseResult(cid, cid, ["USER-CREATE-NAME-LENGTH"], "rest", "users/create", Status.PASS,
                      observed=observed)


def run(cases):
    return RunResult("r", Target("u", "g", "embedded", True), "0", "1", "t0", "t1", [], cases)


def test_pairs_surfaces_and_flags_disagreements():
    r = run([
        case("t.py::f[ok-rest]", {"status": 200, "body": {"code": 0, "data": {}}}),
        case("t.py::f[ok-sdk-utility]", {"raised": None, "code": None}),
        case("t.py::f[empty-rest]", {"status": 200, "body": {"code": 1802, "message": "m"}}),
        case("t.py::f[empty-sdk-client]", {"raised": "MilvusException", "code": 1100}),
        case("t.py::f[split-rest]", {"status": 200, "body": {"code": 0, "data": {}}}),
        case("t.py::f[split-sdk-client]", {"raised": "MilvusException", "code": 1100}),
        case("t.py::g[rest-only]", {"status": 200, "body": {"code": 0, "data": {}}}),
    ])
    rows = {row.scenario: row.disagreement for row in parity_rows(r)}
    assert rows == {"t.py::f[ok]": "", "t.py::f[empty]": "different codes [1100, 1802]",
                    "t.py::f[split]": "accepted on rest, refused on sdk-client"}
    assert "2 disagree" in render_parity_md(r)
