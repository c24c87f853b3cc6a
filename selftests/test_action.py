"""action.yml, run as GitHub would run its steps (selftests/action_runner.py), with the GITHUB_* files
pointing at temporary files: what the job summary, the annotations, the outputs and the step's
status receive. One run against the session's real Milvus (certified, full gate tier, then
`milvus-conformance verify` on its bundle), one that ends in a configuration error (no server)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys


from milvus_conformance import REPO_ROOT
from milvus_conformance.ci.github import outputs as module_outputs
from selftests.action_runner import ACTION, load_action, run_action

VENV = REPO_ROOT / ".venv"


def _seed_install(temp, embedded: bool) -> None:
    """The install step's cache hit: the project's own .venv stands in for the one it would build
    (building it needs PyPI and a minute; `make venv` proves the same pins install)."""
    venv = temp / "milvus-conformance-venv"
    venv.symlink_to(VENV)
    key = hashlib.sha256(
        (REPO_ROOT / "pyproject.toml").read_bytes() + (REPO_ROOT / "constraints.txt").read_bytes()
    ).hexdigest()[:16]
    (temp / "milvus-conformance-venv.installed").write_text(key + ("[embedded]" if embedded else "") + "\n")


def _dirs(tmp_path):
    workspace, temp = tmp_path / "workspace", tmp_path / "runner-temp"
    workspace.mkdir()
    temp.mkdir()
    return workspace, temp


def test_every_action_is_pinned_to_a_commit():
    uses = [s["uses"] for s in load_action()["runs"]["steps"] if "uses" in s]
    assert uses and all(re.fullmatch(r"actions/[\w-]+@[0-9a-f]{40}", u) for u in uses), uses
    for line in ACTION.read_text().splitlines():
        if "uses:" in line and not line.lstrip().startswith("#"):
            assert re.search(r"#\s*v\d+\.\d+\.\d+", line), f"say which release the commit is: {line}"


def test_no_expression_inside_a_script_and_the_token_only_in_the_environment():
    action, text = load_action(), ACTION.read_text()
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), f"{step.get('name')}: expressions go through env:"
    assert text.count("inputs.token") == 1
    run_step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    assert run_step["env"]["CONFORMANCE_TOKEN"] == "${{ inputs.token }}"


def test_every_input_is_used_and_every_output_is_written_by_the_module():
    action = load_action()
    steps_text = str(action["runs"]["steps"])
    for name in action["inputs"]:
        assert f"inputs.{name}" in steps_text, f"input {name} is never used"
    written = set(module_outputs(None, 3, REPO_ROOT / "nowhere"))
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.report.outputs.{name} }}}}" and name in written, name


def test_a_configuration_error_fails_the_step_with_its_one_line(tmp_path):
    workspace, temp = _dirs(tmp_path)
    _seed_install(temp, embedded=False)
    run = run_action({"grpc-uri": "http://127.0.0.1:1"}, workspace, temp, sys.executable)
    assert "reusing" in run.step("install").stdout
    assert run.step("run").status == 0 and run.step("run").outputs["exit-status"] == "4"
    report = run.step("report").stdout.splitlines()
    assert report[0].startswith(
        "::error title=milvus-conformance%3A no verdict::conformance: a given target needs a token"
    )
    assert report[1].startswith("::notice title=milvus-conformance verdict::BAD-CONFIGURATION (exit status 4)")
    assert run.outputs["verdict"] == "bad-configuration" and run.outputs["exit-status"] == "4"
    assert run.outputs["results"] == "" and run.outputs["conforms"] == "false"
    assert "**BAD-CONFIGURATION** (exit status 4)" in run.summary
    assert run.steps[-1].status == 4  # the gate step ends the job with the run's status


def test_a_certified_run_through_the_action(tmp_path, embedded_endpoints):
    workspace, temp = _dirs(tmp_path)
    _seed_install(temp, embedded=False)
    (workspace / "ci").mkdir()
    shutil.copy(REPO_ROOT / "profiles" / "embedded.yaml", workspace / "ci" / "our-milvus.yaml")
    token = embedded_endpoints.token
    run = run_action(
        {
            "base-url": embedded_endpoints.base_url,
            "grpc-uri": embedded_endpoints.grpc_uri,
            "token": token,
            "profile": "ci/our-milvus.yaml",
            "certify": "true",
            "pytest-args": "--fill-server",
            "artifact-name": "conformance-a",
        },
        workspace,
        temp,
        sys.executable,
    )
    assert not run.failed, [(s.name, s.status, s.stdout[-2000:]) for s in run.steps if s.status]
    reports = workspace / "milvus-conformance-reports"
    assert run.outputs["exit-status"] == "0" and run.outputs["verdict"] == "conforms"
    assert run.outputs["verdict-text"] == "CONFORMS (with known deviations)"
    assert run.outputs["results"] == str(reports / "results.json")
    assert run.outputs["bundle"] == str(reports / "bundle.tar.gz")
    report = run.step("report").stdout.splitlines()
    assert [ln for ln in report if ln.startswith("::")] == [report[0]]
    assert report[0].startswith(
        "::notice title=milvus-conformance verdict::CONFORMS (with known deviations) (exit status 0): "
    )
    assert run.summary.startswith("# Milvus Create User conformance") and "Certified run" in run.summary
    assert (reports / "summary.md").read_text(encoding="utf-8") in run.summary
    upload = run.step("Upload the reports")
    assert upload.with_ == {"name": "conformance-a", "path": "milvus-conformance-reports", "if-no-files-found": "warn"}
    for step in run.steps:
        assert token not in step.stdout, f"{step.name} printed the token"
    verify = subprocess.run(
        [str(VENV / "bin" / "milvus-conformance"), "verify", run.outputs["bundle"]], capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stdout
    assert verify.stdout.startswith("verify: the claim holds: CONFORMS (with known deviations): ")
