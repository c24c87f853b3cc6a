"""ci/github.py, what action.yml's report step runs: annotations (at most 10, one per failing
requirement, worst first), the verdict notice, outputs, and the job summary within 1 MiB. Runs are
built in code with the results model (every requirement of the catalogue)."""

from __future__ import annotations

import io

from milvus_conformance.ci.github import (
    SUMMARY_LIMIT,
    append_summary,
    escape_data,
    failing_requirements,
    report,
)
from milvus_conformance.reports import write_all
from milvus_conformance.results.model import Status
from selftests.certify_support import make_run


def _failing_run():
    run = make_run()
    by_req = {c.requirements[0]: c for c in run.cases}
    ids = sorted(by_req)
    plan = {ids[0]: Status.UNEXPECTED_PASS, ids[1]: Status.ERROR}
    plan.update({req: Status.FAIL for req in ids[2:14]})  # 12 failing requirements
    for req, status in plan.items():
        by_req[req].status = status
        by_req[req].message = "expected refusal, got success\nline two 100% sure"
    return run, plan


def _report(tmp_path, run, status):
    write_all(run, tmp_path / "reports")
    env = {"GITHUB_OUTPUT": str(tmp_path / "out"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary")}
    out = io.StringIO()
    report(tmp_path / "reports", status, env, out=out)
    return out.getvalue().splitlines(), (tmp_path / "out").read_text(), (tmp_path / "summary").read_text()


def test_at_most_ten_errors_worst_first_then_one_notice(tmp_path):
    run, plan = _failing_run()
    lines, outputs, summary = _report(tmp_path, run, 3)
    errors = [ln for ln in lines if ln.startswith("::error ")]
    notices = [ln for ln in lines if ln.startswith("::notice ")]
    assert len(errors) == 10 and len(notices) == 1 and lines[-1] == notices[0]
    order = [f.req_id for f in failing_requirements(run)]
    assert [f.status for f in failing_requirements(run)][:2] == [Status.ERROR, Status.FAIL]
    assert order[-1] == next(r for r, s in plan.items() if s is Status.UNEXPECTED_PASS)
    levels = [f.level for f in failing_requirements(run) if f.status is Status.FAIL]
    assert levels == sorted(levels, key=lambda ln: 0 if ln.startswith("MUST") else 1)  # MUST first
    for line, req in zip(errors, order):
        assert line.startswith(f"::error title=milvus-conformance%3A {req}::{req} (")
        assert "%0A" not in line and "100%25 sure" in line  # one line, % escaped
    assert "4 more failing requirement(s) in the job summary" in notices[0]
    assert "verdict=no-verdict\n" in outputs and "exit-status=3\n" in outputs
    assert f"failed-requirements={','.join(order)}\n" in outputs
    assert summary.startswith("# Milvus Create User conformance")


def test_a_conforming_run_has_only_the_notice(tmp_path):
    lines, outputs, _ = _report(tmp_path, make_run(), 0)
    assert len(lines) == 1 and lines[0].startswith(
        "::notice title=milvus-conformance verdict::CONFORMS (with known deviations) (exit status 0): "
    )
    assert "verdict=conforms\n" in outputs and "conforms=true\n" in outputs and "failed-requirements=\n" in outputs


def test_the_summary_stays_within_one_mebibyte(tmp_path):
    path = tmp_path / "summary"
    path.write_text("x" * 1000 + "\n")  # an earlier write in the same step
    big = "".join(f"| row {n} | {'é' * 50} |\n" for n in range(20000))  # about 2 MB, multibyte
    append_summary(path, big)
    data = path.read_bytes()
    assert len(data) <= SUMMARY_LIMIT
    assert data.decode("utf-8").endswith("the full reports are in the artifact.*\n")
    assert b"| row 0 |" in data and b"| row 19999 |" not in data
    small = tmp_path / "small"
    append_summary(small, "short\n")
    assert small.read_text() == "short\n"


def test_escaping():
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
