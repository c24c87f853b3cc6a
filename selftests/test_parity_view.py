"""The parity view pairs a scenario's REST and SDK cases (by the model's surface, style and scenario,
never by parsing node IDs) and flags disagreements."""

from milvus_conformance.reports.parity import parity_rows, render_parity_md
from milvus_conformance.results.model import CaseResult, RunResult, Status, Target
from milvus_conformance.results.surfaces import Channel, Surface


def case(scenario, channel, observed):
    return CaseResult(
        f"{scenario}:{channel}",
        scenario,
        ["USER-CREATE-NAME-LENGTH"],
        channel.surface,
        "users/create",
        Status.PASS,
        observed=observed,
        style=channel.style,
        scenario=scenario,
    )


def run(cases):
    return RunResult("r", Target("u", "g", "embedded", True), "0", "1", "t0", "t1", [], cases)


OK_REST = {"status": 200, "body": {"code": 0, "data": {}}}


def test_pairs_surfaces_and_flags_disagreements():
    r = run(
        [
            case("t.py::f[ok]", Channel.REST, OK_REST),
            case("t.py::f[ok]", Channel.SDK_UTILITY, {"raised": None, "code": None}),
            case("t.py::f[empty]", Channel.REST, {"status": 200, "body": {"code": 1802, "message": "m"}}),
            case("t.py::f[empty]", Channel.SDK_CLIENT, {"raised": "MilvusException", "code": 1100}),
            case("t.py::f[split]", Channel.REST, OK_REST),
            case("t.py::f[split]", Channel.SDK_CLIENT, {"raised": "MilvusException", "code": 1100}),
            case("t.py::g[rest-only]", Channel.REST, OK_REST),
        ]
    )
    rows = {row.scenario: row.disagreement for row in parity_rows(r)}
    assert rows == {
        "t.py::f[ok]": "",
        "t.py::f[empty]": "different codes [1100, 1802]",
        "t.py::f[split]": "accepted on rest, refused on sdk-client",
    }
    assert "2 disagree" in render_parity_md(r)


def test_a_case_on_both_surfaces_or_without_a_style_is_no_side():
    both = CaseResult(
        "t.py::h",
        "h",
        ["SURFACE-PARITY"],
        Surface.BOTH,
        "users/create",
        Status.PASS,
        observed=OK_REST,
        scenario="t.py::h",
    )
    styleless = CaseResult(
        "t.py::h:sdk",
        "h",
        ["SURFACE-PARITY"],
        Surface.SDK,
        "users/create",
        Status.PASS,
        observed={"raised": None, "code": None},
        scenario="t.py::h",
    )
    rest = case("t.py::h", Channel.REST, OK_REST)
    assert parity_rows(run([both, styleless, rest])) == []


def test_surface_and_style_round_trip_through_results_json():
    original = case("t.py::f[ok]", Channel.SDK_CLIENT, {"raised": None, "code": None})
    again = CaseResult.from_dict(original.to_dict())
    assert (again.surface, again.style, again.scenario) == (Surface.SDK, Channel.SDK_CLIENT.style, "t.py::f[ok]")
    assert original.to_dict()["style"] == "client" and original.to_dict()["surface"] == "sdk"
