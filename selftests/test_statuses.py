"""The statuses added for targets that lack operations and the kinds of skip (issue 21): the lattice,
the words of every view, results.json round trip and schema, and the capability lines."""

import json

import jsonschema

from milvus_conformance.contract.selection import choose_profile
from milvus_conformance.reports import write_all
from milvus_conformance.reports.junit import render_junit
from milvus_conformance.reports.wording import WORDING
from milvus_conformance.results.io import SCHEMA_PATH, read_results, write_results
from milvus_conformance.results.missing import missing_lines
from milvus_conformance.results.model import Status, worst
from selftests.test_reports import make_case, make_run

NEW = (Status.NOT_IMPLEMENTED, Status.SKIPPED_BY_CHOICE, Status.NOT_APPLICABLE)
LACKS = {"sdk": {"users/create": "UNIMPLEMENTED", "users/drop": "UNIMPLEMENTED"}, "rest": {"users/list": "HTTP 404"}}


def test_existing_values_unchanged_and_every_status_worded():
    assert [s.value for s in Status][:6] == ["pass", "known_deviation", "skip", "unexpected_pass", "fail", "error"]
    assert set(WORDING) == set(Status)
    assert len({WORDING[s].word for s in Status}) == len(Status), "every view tells them apart"


def test_lattice():
    assert Status.NOT_IMPLEMENTED.is_conformance_problem
    assert not any(s.is_conformance_problem for s in (Status.SKIPPED_BY_CHOICE, Status.NOT_APPLICABLE))
    assert worst([Status.PASS, Status.NOT_APPLICABLE, Status.SKIPPED_BY_CHOICE]) is Status.PASS
    assert worst([Status.NOT_APPLICABLE, Status.SKIPPED_BY_CHOICE]) is Status.NOT_APPLICABLE
    assert worst([Status.SKIP, Status.NOT_APPLICABLE]) is Status.SKIP
    assert worst([Status.NOT_IMPLEMENTED, Status.UNEXPECTED_PASS]) is Status.NOT_IMPLEMENTED
    assert worst([Status.NOT_IMPLEMENTED, Status.FAIL]) is Status.FAIL
    assert worst([Status.NOT_IMPLEMENTED, Status.ERROR]) is Status.ERROR


def _run():
    run = make_run(
        [
            make_case(
                "t::ni",
                Status.NOT_IMPLEMENTED,
                ["USR-001"],
                surface="sdk",
                message="users/create is not implemented on the SDK surface (UNIMPLEMENTED)",
            ),
            make_case("t::choice", Status.SKIPPED_BY_CHOICE, ["USR-002"]),
            make_case("t::na", Status.NOT_APPLICABLE, ["USR-003"]),
        ]
    )
    run.missing_operations = LACKS
    return run


def test_results_round_trip_with_missing_operations(tmp_path):
    run = _run()
    data = json.loads(write_results(run, tmp_path / "results.json").read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()), cls=jsonschema.Draft202012Validator)
    assert data["overall"] == "not_implemented" and data["counts"]["skipped_by_choice"] == 1
    assert read_results(tmp_path / "results.json").to_dict() == run.to_dict()


def test_views_say_what_is_missing_and_tell_the_skips_apart(tmp_path):
    write_all(_run(), tmp_path)
    summary = (tmp_path / "summary.md").read_text()
    html = (tmp_path / "report.html").read_text()
    for line in missing_lines(LACKS):
        assert line in summary and line in html
    for status in NEW:
        assert WORDING[status].word in summary
    junit = render_junit(_run())
    assert 'type="not-implemented"' in junit and 'type="skipped-by-choice"' in junit
    assert 'type="not-applicable"' in junit


def test_missing_lines_group_by_surface_and_reason():
    assert missing_lines(LACKS) == [
        "users/create, users/drop are not implemented on the SDK surface (UNIMPLEMENTED)",
        "users/list is not implemented on the REST surface (HTTP 404)",
    ]


def test_auto_says_why_the_version_is_unknown():
    silent = choose_profile("auto", embedded=False, version_error="GetVersion: UNIMPLEMENTED")
    assert silent.profile == "documented"
    assert any(
        "did not say its version (GetVersion: UNIMPLEMENTED), so it fell back to documented" in w
        for w in silent.warnings
    )
    odd = choose_profile("auto", embedded=False, reported_version="milvus_lite-3.2.2")
    assert [w for w in odd.warnings if "unparsable" in w] == [
        "profile auto: the server reports an unparsable version 'milvus_lite-3.2.2', so it fell back "
        "to documented (the vendor docs); give --server-version X.Y.Z to choose by version"
    ]
    assert not any("--grpc-uri" in w for w in silent.warnings + odd.warnings)
