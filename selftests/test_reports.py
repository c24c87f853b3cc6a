"""Self-tests of the results file and the single-run reports (JSON, JUnit, HTML, Markdown).

Runs are built in code: every status, and exchanges carrying `<script>` to prove escaping.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the package is not installed in the self-test venv
    sys.path.insert(0, str(ROOT))

from milvus_conformance.reports import write_all  # noqa: E402
from milvus_conformance.reports.html import render_html  # noqa: E402
from milvus_conformance.reports.junit import render_junit  # noqa: E402
from milvus_conformance.reports.markdown import render_summary_md  # noqa: E402
from milvus_conformance.results.io import SCHEMA_PATH, ResultsFileError, read_results, write_results  # noqa: E402
from milvus_conformance.results.model import CaseResult, Exchange, Requirement, RunResult, Status, Target  # noqa: E402

HOSTILE = '<script>alert("x")</script>'
BASE_URL = "http://127.0.0.1:19530"


def make_case(
    case_id: str,
    status: Status,
    reqs: list[str],
    surface: str = "rest",
    operation: str = "users/create",
    source: str = "",
    message: str = "",
) -> CaseResult:
    exchange = Exchange(
        surface="sdk" if surface == "sdk" else "rest",
        request={
            "method": "POST",
            "url": f"{BASE_URL}/v2/vectordb/users/create",
            "headers": {"Authorization": "Bearer <redacted>"},
            "body": {"userName": HOSTILE, "password": "***"},
        },
        response={"status": 200, "body": {"code": 1100, "message": f"invalid user name {HOSTILE}"}},
        reproduction=f"curl -X POST '{BASE_URL}/v2/vectordb/users/create' -d '{{\"userName\": \"{HOSTILE}\"}}'",
    )
    return CaseResult(
        case_id=case_id,
        name=f"create user {case_id.rsplit('::', 1)[-1]}",
        requirements=reqs,
        surface=surface,
        operation=operation,
        status=status,
        message=message or f"{status.value}: server said {HOSTILE}",
        expected={"code": 1100},
        observed={"code": 0, "note": HOSTILE},
        deviation_source=source,
        duration_s=0.25,
        exchanges=[exchange],
    )


def make_requirements(n: int) -> list[Requirement]:
    return [
        Requirement(
            id=f"USR-{i:03d}",
            level="MUST" if i % 2 else "SHOULD",
            statement=f"Create User rule {i} & <b>not bold</b>",
            source="docs/reference/create-user.md#rules",
            operation="users/create",
            surfaces=["rest", "sdk"],
        )
        for i in range(1, n + 1)
    ]


def make_run(
    cases: list[CaseResult],
    requirements: list[Requirement] | None = None,
    run_id: str = "run-1",
    profile: str = "milvus-2.3",
    harness_errors=None,
) -> RunResult:
    return RunResult(
        run_id=run_id,
        target=Target(
            base_url=BASE_URL, grpc_uri="127.0.0.1:19530", profile=profile, embedded=True, server_version="2.3.5"
        ),
        tool_version="0.1.0",
        spec_version="2024-01",
        started_at="2024-01-01T00:00:00Z",
        finished_at="2024-01-01T00:01:00Z",
        requirements=requirements if requirements is not None else make_requirements(6),
        cases=cases,
        harness_errors=list(harness_errors or []),
    )


def all_status_run() -> RunResult:
    """One case per status (REST and SDK), each status on its own requirement."""
    cases = [
        make_case("t::pass", Status.PASS, ["USR-001"]),
        make_case("t::dev", Status.KNOWN_DEVIATION, ["USR-002"], source="profiles/milvus-2.3.yaml#L12"),
        make_case("t::skip", Status.SKIP, ["USR-003"], surface="sdk"),
        make_case(
            "t::upass", Status.UNEXPECTED_PASS, ["USR-004"], surface="sdk", source="profiles/milvus-2.3.yaml#L20"
        ),
        make_case(
            "t::fail", Status.FAIL, ["USR-005", "USR-001"], message="expected code 1100, got 0 \x01 with a control char"
        ),
        make_case("t::error", Status.ERROR, ["USR-006"], surface="both", operation="users/describe"),
    ]
    return make_run(cases)


# ---- results.json ---------------------------------------------------------------------------
def test_results_round_trip_and_schema(tmp_path):
    run = all_status_run()
    path = write_results(run, tmp_path / "sub" / "results.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert schema["$defs"]["status"]["enum"] == [s.value for s in Status]
    again = read_results(path)
    assert again.to_dict() == run.to_dict()
    assert data["overall"] == "error" and data["counts"]["fail"] == 1


def _one_line_error(path: Path) -> str:
    with pytest.raises(ResultsFileError) as info:
        read_results(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_read_results_rejects_bad_files(tmp_path):
    assert "not found" in _one_line_error(tmp_path / "missing.json")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json", encoding="utf-8")
    assert "not valid JSON" in _one_line_error(bad_json)

    data = all_status_run().to_dict()
    data["cases"][0]["status"] = "maybe"
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps(data), encoding="utf-8")
    assert "$.cases[0].status" in _one_line_error(invalid)

    data = all_status_run().to_dict()
    data["extra"] = 1
    invalid.write_text(json.dumps(data), encoding="utf-8")
    assert "extra" in _one_line_error(invalid)

    data = all_status_run().to_dict()
    data["overall"] = "pass"  # a doctored verdict must not pass a CI gate
    invalid.write_text(json.dumps(data), encoding="utf-8")
    assert "overall" in _one_line_error(invalid)


# ---- junit.xml ------------------------------------------------------------------------------
def test_junit_counts_and_structure():
    run = all_status_run()
    root = ET.fromstring(render_junit(run).encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("6", "2", "1", "2")
    assert sorted(s.get("name") for s in root.iter("testsuite")) == ["both", "rest", "sdk"]
    cases = list(root.iter("testcase"))
    assert len(cases) == 6
    assert len(root.findall(".//testcase/failure")) == 2
    assert len(root.findall(".//testcase/error")) == 1
    skipped = root.findall(".//testcase/skipped")
    assert len(skipped) == 2
    deviation = [s for s in skipped if s.get("type") == "known-deviation"]
    assert len(deviation) == 1 and "profiles/milvus-2.3.yaml#L12" in deviation[0].get("message")
    fail_case = next(c for c in cases if c.find("failure[@type='conformance-failure']") is not None)
    assert fail_case.get("classname") == "users/create"
    assert "USR-005" in fail_case.get("name") and "USR-001" in fail_case.get("name")
    reqs = [p.get("value") for p in fail_case.iter("property") if p.get("name") == "requirement"]
    assert reqs == ["USR-005", "USR-001"]
    assert HOSTILE in fail_case.find("failure").text  # escaped in XML, intact once parsed


def test_junit_harness_errors_fail_the_build():
    run = make_run([make_case("t::pass", Status.PASS, ["USR-001"])], harness_errors=["preflight: cannot reach server"])
    root = ET.fromstring(render_junit(run))
    assert root.get("errors") == "1" and root.get("tests") == "2"


# ---- report.html ----------------------------------------------------------------------------
def test_html_self_contained_escaped_and_complete():
    run = all_status_run()
    page = render_html(run)
    model_text = json.dumps(run.to_dict(), ensure_ascii=False)
    for url in re.findall(r"https?://[^\s\"'<>&]+", page):
        assert url in model_text, f"external reference not from the model: {url}"
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc\s*=", page)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert page.count("<script>") == 1  # only the report's own inline script
    assert "<b>not bold</b>" not in page
    for req in run.requirements:
        assert req.id in page
    for status in Status:
        assert f'data-filter="{status.value}"' in page
    assert page.count('<details class="case') == len(run.cases)
    assert 'id="text-filter"' in page
    assert "profiles/milvus-2.3.yaml#L12" in page and "2.3.5" in page


# ---- summary.md -----------------------------------------------------------------------------
def big_run(n_cases: int = 300, n_reqs: int = 60) -> RunResult:
    statuses = list(Status)
    cases = [
        make_case(
            f"t::c{i}",
            statuses[i % len(statuses)],
            [f"USR-{i % n_reqs + 1:03d}"],
            surface=("rest", "sdk")[i % 2],
            operation=f"users/op{i % 4}",
            source="profiles/x.yaml"
            if statuses[i % len(statuses)] in (Status.KNOWN_DEVIATION, Status.UNEXPECTED_PASS)
            else "",
        )
        for i in range(n_cases)
    ]
    return make_run(cases, make_requirements(n_reqs))


def test_summary_md_short_and_focused():
    run = big_run()
    text = render_summary_md(run)
    lines = text.splitlines()
    assert len(lines) < 60, len(lines)
    assert "Verdict" in lines[2] and "error" in lines[2]
    assert "<script>" not in text
    assert "more non-passing requirements" in text

    small = all_status_run()
    text = render_summary_md(small)
    rows = [line for line in text.splitlines() if line.startswith("| USR-")]
    # fail, unexpected pass, error and known deviation; not pass or skip
    assert sorted(r.split(" | ")[0][2:] for r in rows) == ["USR-001", "USR-002", "USR-004", "USR-005", "USR-006"]
    assert all(r.count(" | ") == 3 for r in rows)  # the control char and pipes did not split cells


def test_write_all(tmp_path):
    paths = write_all(all_status_run(), tmp_path / "reports")
    assert sorted(p.name for p in paths.values()) == sorted(
        ["results.json", "junit.xml", "report.html", "summary.md", "parity.md"]
    )
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
    read_results(paths["results.json"])
