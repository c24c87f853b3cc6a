"""The CI examples in examples/: the GitHub fan-out/fan-in workflow's fan-in steps run in bash over
results files as the jobs' artifacts leave them (runs/<artifact>/results.json); its actions are
pinned to commits; the GitLab job keeps junit.xml as its test report and the reports as artifacts."""

from __future__ import annotations

import os
import re
import subprocess

import yaml

from milvus_conformance import REPO_ROOT
from milvus_conformance.results.io import write_results
from selftests.certify_support import make_run

EXAMPLES = REPO_ROOT / "examples"
BIN = REPO_ROOT / ".venv" / "bin"


def _workflow() -> dict:
    return yaml.safe_load((EXAMPLES / "github-matrix.yml").read_text(encoding="utf-8"))


def _run_step(step: dict, workspace, summary) -> subprocess.CompletedProcess:
    assert "${{" not in step["run"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CONFORMANCE_"))},
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _artifacts(workspace, tool_versions=("0.1.0", "0.1.0")):
    for name, tool in zip(("release-2.2.16", "release-2.3.5"), tool_versions):
        run = make_run()
        run.run_id, run.tool_version = name, tool
        write_results(run, workspace / "runs" / f"conformance-{name}" / "results.json")


def test_actions_are_pinned_and_artifacts_named_per_job():
    text = (EXAMPLES / "github-matrix.yml").read_text(encoding="utf-8")
    for line in text.splitlines():
        m = re.search(r"uses:\s*(\S+)", line)
        if m and m.group(1).startswith("actions/"):
            assert re.fullmatch(r"actions/[\w-]+@[0-9a-f]{40}", m.group(1)) and re.search(r"# v\d", line), line
    jobs = _workflow()["jobs"]
    action_step = jobs["conformance"]["steps"][0]
    assert action_step["with"]["artifact-name"] == "conformance-${{ matrix.name }}"
    assert jobs["fan-in"]["steps"][0]["with"]["pattern"] == "conformance-*"
    assert jobs["fan-in"]["if"] == "always()" and jobs["conformance"]["strategy"]["fail-fast"] is False


def test_fan_in_renders_one_matrix_and_one_regression_report(tmp_path):
    _artifacts(tmp_path)
    summary = tmp_path / "summary.md"
    steps = {s.get("id"): s for s in _workflow()["jobs"]["fan-in"]["steps"]}
    for step_id in ("matrix", "compare"):
        proc = _run_step(steps[step_id], tmp_path, summary)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "fan-in" / "matrix.html").is_file()
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Conformance matrix")
    assert "# Conformance comparison" in text and "No regressions" in text
    assert (tmp_path / "fan-in" / "compare-2.2.16-to-2.3.5.md").is_file()


def test_fan_in_refuses_runs_of_different_suite_versions(tmp_path):
    _artifacts(tmp_path, ("0.1.0", "0.0.9"))
    step = next(s for s in _workflow()["jobs"]["fan-in"]["steps"] if s.get("id") == "matrix")
    proc = _run_step(step, tmp_path, tmp_path / "summary.md")
    assert proc.returncode == 4
    assert "conformance: --strict: the runs used different suite versions" in proc.stderr


def test_gitlab_job_keeps_junit_and_reports():
    job = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8"))["milvus-conformance"]
    reports = job["variables"]["CONFORMANCE_REPORTS_DIR"].replace("$CI_PROJECT_DIR/", "")
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == f"{reports}/junit.xml"
    assert job["artifacts"]["paths"] == [f"{reports}/"]
    assert any("pytest tests" in line for line in job["script"])
    assert "CONFORMANCE_TOKEN" not in job["variables"]  # a masked CI/CD variable, never in the file
    assert re.fullmatch(r"[0-9a-f]{40}", job["variables"]["SUITE_COMMIT"])
