"""`--profile auto`, `--server-version` and the user-given vs server-reported version conflict; the
choice travels to xdist workers; `profile show`."""

import json

import pytest

from milvus_conformance.cli import main
from milvus_conformance.contract.selection import choose_profile
from milvus_conformance.errors import ConfigError, ExitStatus
from milvus_conformance.harness.config import from_values
from milvus_conformance.harness.run_context import RunContext


@pytest.mark.parametrize(
    "reported,chosen",
    [
        ("v2.4.1", "milvus-2.4"),
        ("v2.4.23", "milvus-2.4"),
        ("v2.5.3", "milvus-2.5"),
        ("v2.5.12", "milvus-2.5"),
        ("v2.6.0-rc1", "milvus-2.6"),
        ("v2.6.18", "milvus-2.6"),
        ("v3.0.0-beta", "milvus-3.0-dev"),
    ],
)
def test_auto_chooses_the_family_of_the_reported_version(reported, chosen):
    choice = choose_profile("auto", embedded=False, reported_version=reported)
    assert (choice.name, choice.version_source, choice.warnings) == (chosen, "GetVersion", ())
    assert choice.reason == f"profile auto -> {chosen} (server {reported}, from GetVersion)"


@pytest.mark.parametrize(
    "reported,warning",
    [
        ("", "server version is unknown"),
        ("garbage", "unparsable version"),
        ("v2.3.5", "no profile is for v2.3.5"),
        ("v3.0.0", "no profile is for v3.0.0"),  # auto knows 3.0 pre-releases only
        ("v2.7.0", "no profile is for v2.7.0"),
    ],
)
def test_auto_without_a_known_family_is_documented_with_a_warning(reported, warning):
    choice = choose_profile("auto", embedded=False, reported_version=reported)
    assert choice.name == "documented"
    assert any(warning in w for w in choice.warnings), choice.warnings


def test_auto_on_the_embedded_target_is_embedded():
    choice = choose_profile("auto", embedded=True, reported_version="v2.3.5-lite")
    assert choice.name == "embedded" and choice.warnings == ()
    assert choice.reason == "profile auto -> embedded (the embedded target; server v2.3.5-lite, from GetVersion)"


def test_a_given_version_is_used_without_the_sdk_surface():
    choice = choose_profile("auto", embedded=False, given_version="2.5.3")
    assert (choice.name, choice.version, choice.version_source) == ("milvus-2.5", "2.5.3", "--server-version")
    assert choice.load()["rest.outcome.timeout"]["content_type"] == "text"


@pytest.mark.parametrize("given,reported", [("2.5.3", "v2.5.4"), ("2.4.2", "v2.4.3"), ("2.6.0", "v2.6.0-rc1")])
def test_given_and_reported_versions_that_differ_are_a_config_error(given, reported):
    with pytest.raises(ConfigError, match="the server reports") as info:
        choose_profile("milvus-2.5", embedded=False, given_version=given, reported_version=reported)
    assert info.value.exit_status == ExitStatus.CONFIGURATION and "\n" not in str(info.value)


def test_a_build_flavour_is_no_conflict():
    choice = choose_profile("embedded", embedded=True, given_version="2.3.5", reported_version="v2.3.5-lite")
    assert choice.version_source == "GetVersion"


def test_a_named_profile_for_another_series_warns():
    choice = choose_profile("milvus-2.4", embedded=False, reported_version="v2.6.3")
    assert any("milvus-2.4 is for 2.4.x" in w and "milvus-2.6" in w for w in choice.warnings)


def test_a_named_profile_without_a_version_lists_the_open_keys():
    choice = choose_profile("milvus-2.5", embedded=False)
    assert choice.reason == "profile milvus-2.5 (server version unknown)"
    assert any("rest.outcome.timeout" in w for w in choice.warnings)
    assert choice.load()["rest.outcome.timeout"] is None


def test_the_choice_travels_to_workers_and_resolves_the_same_entries():
    ctx = RunContext(
        config=from_values({"profile": "auto", "base_url": "http://h:1", "token": "u:p"}, env={}),
        run_id="r1",
        server_version="v2.5.3",
    )
    ctx.choose_profile()
    worker = RunContext.from_dict(json.loads(json.dumps(ctx.to_dict())))
    mine, theirs = ctx.profile(), worker.profile()
    assert worker.profile_choice == ctx.profile_choice and theirs.name == "milvus-2.5"
    assert all(mine.get(k) == theirs.get(k) for k in mine.keys())
    assert theirs["rest.outcome.timeout"]["content_type"] == "text"


def test_config_accepts_auto_a_path_and_a_server_version(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("extends: milvus-2.5\nvalues: {}\n", encoding="utf-8")
    assert from_values({"profile": "auto"}, env={}).profile == "auto"
    assert from_values({"profile": str(path)}, env={}).profile == str(path)
    c = from_values({}, env={"CONFORMANCE_SERVER_VERSION": "2.5.4", "CONFORMANCE_PROFILE": "auto"})
    assert c.server_version == "2.5.4"


@pytest.mark.parametrize(
    "values,match",
    [
        ({"server_version": "2.5"}, "--server-version must be a version X.Y.Z"),
        ({"server_version": "latest"}, "--server-version"),
        ({"profile": "./nope.yaml"}, "not found"),
    ],
)
def test_bad_version_or_profile_file_is_a_config_error(values, match):
    with pytest.raises(ConfigError, match=match):
        from_values(values, env={})


# ---- profile show ----------------------------------------------------------------------------------
def test_profile_show_resolves_for_a_version(capsys):
    assert main(["profile", "show", "milvus-2.5", "--server-version", "2.5.4"]) == 0
    out = capsys.readouterr().out
    assert "profile milvus-2.5 (server v2.5.4, from --server-version)" in out
    assert "milvus-2.5 [2.5.4..]: CF section 7" in out


def test_profile_show_without_a_version_shows_each_range(capsys):
    assert main(["profile", "show", "milvus-2.5"]) == 0
    out = capsys.readouterr().out
    assert "rest.outcome.timeout = null" in out and "..2.5.3 ->" in out and "2.5.4.. ->" in out


def test_profile_show_json(capsys):
    assert main(["profile", "show", "auto", "--server-version", "2.4.1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["profile"] == "milvus-2.4" and data["values"]["rest.success_code"]["value"] == 200
    assert data["values"]["rest.success_code"]["until"] == "2.4.2"


@pytest.mark.parametrize("argv", [["profile", "show", "nope"], ["profile", "show", "auto", "--server-version", "two"]])
def test_profile_show_bad_input_is_one_line_and_status_4(argv, capsys):
    assert main(argv) == ExitStatus.CONFIGURATION
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("conformance: ")


# ---- the choice in the results model and its views -------------------------------------------------
def _run_with_choice():
    from milvus_conformance.results.model import RunResult, Target

    target = Target(
        base_url="http://h:1",
        grpc_uri="",
        profile="documented",
        embedded=False,
        server_version="",
        profile_requested="auto",
        profile_reason="profile auto -> documented (server version unknown)",
        version_source="",
        profile_warnings=["profile auto: the server version is unknown"],
    )
    return RunResult(
        run_id="r",
        target=target,
        tool_version="0",
        spec_version="s",
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:00:01+00:00",
        requirements=[],
        cases=[],
    )


def test_results_json_carries_the_choice_and_old_files_still_read(tmp_path):
    from milvus_conformance.results.io import read_results, write_results

    path = write_results(_run_with_choice(), tmp_path / "results.json")
    back = read_results(path)
    assert back.target.profile_reason.startswith("profile auto -> documented")
    assert back.target.profile_warnings == ["profile auto: the server version is unknown"]
    data = json.loads(path.read_text())
    for key in ("profile_requested", "profile_reason", "version_source", "profile_warnings"):
        del data["target"][key]  # a results.json written before this change
    path.write_text(json.dumps(data))
    assert read_results(path).target.profile_reason == ""


def test_summary_md_and_report_html_say_what_was_chosen():
    from milvus_conformance.reports.html import render_html
    from milvus_conformance.reports.markdown import render_summary_md

    run = _run_with_choice()
    assert "profile auto -&gt; documented (server version unknown)" in render_summary_md(run)
    assert "warning: profile auto: the server version is unknown" in render_summary_md(run)
    html = render_html(run)
    assert "Profile choice" in html and "profile auto -&gt; documented" in html
