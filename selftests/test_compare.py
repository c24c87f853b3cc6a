"""Self-tests of the multi-run views (compare, matrix) and of the CLI exit codes."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the package is not installed in the self-test venv
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_reports import HOSTILE, all_status_run, make_case, make_run  # noqa: E402

from milvus_conformance.cli import main  # noqa: E402
from milvus_conformance.reports.compare import compare, render_comparison_md  # noqa: E402
from milvus_conformance.reports.matrix import render_matrix_html, render_matrix_md  # noqa: E402
from milvus_conformance.results.io import write_results  # noqa: E402
from milvus_conformance.results.model import Status  # noqa: E402


def two_case_run(first: Status, second: Status, run_id: str = "run"):
    return make_run([make_case("t::a", first, ["USR-001"]), make_case("t::b", second, ["USR-002"])], run_id=run_id)


def ids(changes):
    return [c.case_id for c in changes]


# ---- compare --------------------------------------------------------------------------------
def test_one_pass_to_fail_is_exactly_one_regression():
    c = compare(two_case_run(Status.PASS, Status.PASS), two_case_run(Status.FAIL, Status.PASS))
    assert c.has_regressions
    assert ids(c.new_failures) == ["t::a"] and not c.new_errors
    assert [(r.req_id, r.before, r.after) for r in c.requirement_changes] == [("USR-001", Status.PASS, Status.FAIL)]
    text = render_comparison_md(c)
    assert "1 regression" in text and "## New failures (1)" in text
    assert "<script>" not in text


def test_still_failing_is_not_a_regression():
    c = compare(two_case_run(Status.FAIL, Status.PASS), two_case_run(Status.FAIL, Status.PASS))
    assert not c.has_regressions
    assert ids(c.still_failing) == ["t::a"] and not c.new_failures
    assert not c.requirement_changes
    assert "No regressions" in render_comparison_md(c)


def test_categories():
    base = make_run(
        [
            make_case("t::fixed", Status.FAIL, ["USR-001"]),
            make_case("t::err", Status.PASS, ["USR-002"]),
            make_case("t::skip", Status.PASS, ["USR-003"]),
            make_case("t::dev", Status.KNOWN_DEVIATION, ["USR-004"], source="p.yaml#L1"),
            make_case("t::dev-gone", Status.KNOWN_DEVIATION, ["USR-004"], source="p.yaml#L2"),
            make_case("t::removed", Status.FAIL, ["USR-005"]),
            make_case("t::kd-up", Status.KNOWN_DEVIATION, ["USR-006"], source="p.yaml#L3"),
        ]
    )
    cur = make_run(
        [
            make_case("t::fixed", Status.PASS, ["USR-001"]),
            make_case("t::err", Status.ERROR, ["USR-002"]),
            make_case("t::skip", Status.SKIP, ["USR-003"]),
            make_case("t::dev", Status.KNOWN_DEVIATION, ["USR-004"], source="p.yaml#L9"),
            make_case("t::dev-gone", Status.PASS, ["USR-004"]),
            make_case("t::kd-up", Status.UNEXPECTED_PASS, ["USR-006"], source="p.yaml#L3"),
            make_case("t::new-fail", Status.FAIL, ["USR-006"]),
            make_case("t::new-pass", Status.PASS, ["USR-006"]),
        ]
    )
    c = compare(base, cur)
    assert ids(c.fixed) == ["t::fixed"]
    assert ids(c.new_errors) == ["t::err"]
    assert ids(c.newly_skipped) == ["t::skip"]
    assert ids(c.new_failures) == ["t::kd-up", "t::new-fail"]
    assert ids(c.changed_deviations) == ["t::dev", "t::dev-gone", "t::kd-up"]
    assert ids(c.new_cases) == ["t::new-fail", "t::new-pass"]
    assert ids(c.removed_cases) == ["t::removed"]
    assert not c.still_failing and not c.other_changes
    assert c.has_regressions
    text = render_comparison_md(c)
    assert "p.yaml#L1 → p.yaml#L9" in text and "## Removed cases (1)" in text


def test_new_harness_error_is_a_regression():
    base = two_case_run(Status.PASS, Status.PASS)
    cur = copy.deepcopy(base)
    cur.harness_errors = ["preflight failed"]
    assert compare(base, cur).has_regressions
    assert not compare(cur, cur).has_regressions


# ---- matrix ---------------------------------------------------------------------------------
def test_matrix_one_column_per_run():
    runs = [
        all_status_run(),
        make_run([make_case("t::pass", Status.PASS, ["USR-001", "USR-099"])], run_id="run-2", profile="vendor-x"),
    ]
    md = render_matrix_md(runs)
    header = next(line for line in md.splitlines() if line.startswith("| Requirement"))
    assert header.strip("|").count("|") == 1 + len(runs)
    assert "#1 milvus-2.3" in header and "#2 vendor-x" in header and "server 2.3.5" in header
    row = next(line for line in md.splitlines() if line.startswith("| USR-005 "))
    assert row.endswith("| ❌ fail | ⏭️ skip |")  # run 2 knows USR-005 but has no case for it
    row = next(line for line in md.splitlines() if line.startswith("| USR-099 "))
    assert row.endswith("| — | ✅ pass |")  # run 1 does not know USR-099 at all
    page = render_matrix_html(runs)
    thead = page.split("<thead>")[1].split("</thead>")[0]
    assert thead.count("<th>") == 3 + len(runs)
    assert "https://" not in page and "<script>alert" not in page


# ---- CLI ------------------------------------------------------------------------------------
def _write(tmp_path, name, run):
    return str(write_results(run, tmp_path / name))


def test_cli_compare_exit_codes(tmp_path, capsys):
    ok = _write(tmp_path, "ok.json", two_case_run(Status.PASS, Status.FAIL))
    worse = _write(tmp_path, "worse.json", two_case_run(Status.FAIL, Status.FAIL))
    assert main(["compare", ok, ok]) == 0
    assert "No regressions" in capsys.readouterr().out
    out_md = tmp_path / "cmp" / "comparison.md"
    assert main(["compare", ok, worse, "--out", str(out_md)]) == 1
    assert "New failures (1)" in capsys.readouterr().out
    assert "New failures (1)" in out_md.read_text(encoding="utf-8")
    assert main(["compare", worse, worse]) == 0  # still failing is not a regression


def _assert_bad_input(capsys, argv, needle):
    assert main(argv) == 4
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("conformance: "), err
    assert needle in lines[0] and "Traceback" not in err


def test_cli_bad_input_is_one_line_exit_4(tmp_path, capsys):
    ok = _write(tmp_path, "ok.json", two_case_run(Status.PASS, Status.PASS))
    missing = str(tmp_path / "nope.json")
    _assert_bad_input(capsys, ["compare", ok, missing], "nope.json")
    _assert_bad_input(capsys, ["report", missing], "not found")
    garbage = tmp_path / "garbage.json"
    garbage.write_text("[1, 2", encoding="utf-8")
    _assert_bad_input(capsys, ["matrix", ok, str(garbage)], "not valid JSON")
    invalid = tmp_path / "invalid.json"
    data = json.loads(Path(ok).read_text(encoding="utf-8"))
    del data["target"]
    invalid.write_text(json.dumps(data), encoding="utf-8")
    _assert_bad_input(capsys, ["compare", str(invalid), ok], "target")


def test_cli_report_and_matrix(tmp_path, capsys):
    results = _write(tmp_path, "in/results.json", all_status_run())
    out = tmp_path / "out"
    assert main(["report", results, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "junit.xml",
        "parity.md",
        "report.html",
        "results.json",
        "summary.md",
    ]
    capsys.readouterr()
    assert HOSTILE not in (out / "report.html").read_text(encoding="utf-8")
    html_file, md_file = tmp_path / "m.html", tmp_path / "m.md"
    assert main(["matrix", results, results, "--html", str(html_file), "--md", str(md_file)]) == 0
    assert html_file.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # the file holds the matrix: stdout names the files, it does not print the matrix again
    assert capsys.readouterr().out.splitlines() == [str(md_file), str(html_file)]
    assert md_file.read_text(encoding="utf-8").startswith("#")
    assert main(["matrix", results, results]) == 0
    assert capsys.readouterr().out == md_file.read_text(encoding="utf-8")
    # every report of a run has the same mode (results.json is written through mkstemp, 0600)
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()}
    assert len(set(modes.values())) == 1 and modes["results.json"] & 0o044 == 0o044, modes


def test_cli_usage_error_does_not_raise(capsys):
    assert main([]) == 4  # a bad command line: ExitStatus.CONFIGURATION
    assert main(["compare", "only-one.json"]) == 4
