"""matrix and compare over results files from several CI jobs: like-for-like runs merge silently;
another suite or spec version is a warning in the output (refused with --strict); another results
schema is refused in one line (exit 4)."""

from __future__ import annotations

import json

from milvus_conformance.cli import main
from milvus_conformance.results.io import write_results
from selftests.certify_support import make_run


def _files(tmp_path, tool_b="0.1.0"):
    a, b = make_run(), make_run()
    b.run_id, b.tool_version = "run2", tool_b
    return str(write_results(a, tmp_path / "a" / "results.json")), str(
        write_results(b, tmp_path / "b" / "results.json")
    )


def test_like_for_like_runs_merge_silently(tmp_path, capsys):
    a, b = _files(tmp_path)
    assert main(["matrix", a, b]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("# Conformance matrix")


def test_another_suite_version_is_said_and_refused_when_strict(tmp_path, capsys):
    a, b = _files(tmp_path, tool_b="0.2.0")
    for command in (["matrix", a, b], ["compare", a, b]):
        assert main(command) == 0
        out, err = capsys.readouterr()
        assert err == (
            f"conformance: warning: the runs used different suite versions ({a}: 0.1.0, "
            f"{b}: 0.2.0); differences may come from the suite, not the targets\n"
        )
        assert out.startswith("> **Not like for like:** the runs used different suite versions")
        assert main([*command, "--strict"]) == 4
        assert capsys.readouterr().err.startswith("conformance: --strict: the runs used different suite versions")


def test_another_results_schema_is_refused(tmp_path, capsys):
    a, b = _files(tmp_path)
    data = json.loads(open(b).read())
    data["schema"] = "milvus-conformance/results/v2"
    open(b, "w").write(json.dumps(data))
    assert main(["matrix", a, b]) == 4
    err = capsys.readouterr().err
    assert err == (
        f"conformance: {b}: results schema 'milvus-conformance/results/v2'; this suite reads "
        f"'milvus-conformance/results/v1': render it with the suite version that wrote it, or run "
        f"both with one suite version\n"
    )
