"""Runs action.yml's steps without an Actions runner: each `run:` step in bash as a composite action
runs it (`bash --noprofile --norc -eo pipefail`), its `env:` expressions evaluated from the inputs, the
github/runner contexts and earlier steps' outputs, and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV,
GITHUB_PATH pointing at temporary files. `uses:` steps are recorded, not run (setup-python's output
is given; the upload is checked by its `with:`)."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from milvus_conformance import REPO_ROOT

ACTION = REPO_ROOT / "action.yml"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load_action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


@dataclass
class StepRun:
    id: str
    name: str
    status: int | None  # None: not run (a `uses:` step, or skipped by its `if:`)
    stdout: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    uses: str = ""
    with_: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    summary: str

    def step(self, step_id_or_name: str) -> StepRun:
        return next(s for s in self.steps if step_id_or_name in (s.id, s.name))

    @property
    def failed(self) -> bool:
        return any(s.status not in (None, 0) for s in self.steps)


def read_outputs(path: Path) -> dict[str, str]:
    """`key=value` lines and `key<<DELIMITER` blocks (GitHub's two forms)."""
    out, lines = {}, path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[key] = "\n".join(lines[i + 1 : j])
            i = j + 1
            continue
        key, _, value = line.partition("=")
        out[key] = value
        i += 1
    return out


class Context:
    def __init__(self, inputs: dict[str, str], workspace: Path, temp: Path, python: str):
        self.inputs, self.workspace, self.temp, self.python = inputs, workspace, temp, python
        self.steps: dict[str, dict[str, str]] = {}

    def value(self, expr: str) -> str:
        parts = expr.split(".")
        if parts[0] == "inputs":
            return self.inputs[parts[1]]
        if expr == "github.action_path":
            return str(REPO_ROOT)
        if expr == "github.workspace":
            return str(self.workspace)
        if expr == "github.action_ref":
            return "selftest"
        if expr == "runner.temp":
            return str(self.temp)
        if parts[0] == "steps" and parts[2] == "outputs":
            return self.steps.get(parts[1], {}).get(parts[3], "")
        raise ValueError(f"action.yml uses an expression this runner does not know: {expr}")

    def render(self, text: str) -> str:
        return EXPR.sub(lambda m: self.value(m.group(1)), str(text))

    def condition(self, expr: str | None, failed: bool) -> bool:
        """`if:` as action.yml writes it: absent (success()), always(), `&& inputs.x == 'y'`."""
        if not expr:
            return not failed
        expr = EXPR.sub(lambda m: m.group(1), str(expr))
        result = True
        for clause in (c.strip() for c in expr.split("&&")):
            if clause == "always()":
                continue
            m = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", clause)
            if not m:
                raise ValueError(f"action.yml uses a condition this runner does not know: {clause}")
            result = result and self.inputs[m.group(1)] == m.group(2)
        return result and (failed is False or "always()" in expr)


def run_action(
    given: dict[str, str],
    workspace: Path,
    temp: Path,
    python: str,
    base_env: dict[str, str] | None = None,
    timeout: float = 900,
) -> ActionRun:
    action = load_action()
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(given) - set(inputs)
    if unknown:
        raise ValueError(f"not inputs of action.yml: {sorted(unknown)}")
    inputs.update(given)
    ctx = Context(inputs, workspace, temp, python)
    summary = temp / "step-summary.md"
    base = {k: v for k, v in (base_env or os.environ).items() if not k.startswith(("CONFORMANCE_", "GITHUB_"))}
    runs, failed = [], False
    for n, step in enumerate(action["runs"]["steps"]):
        sid = step.get("id", f"step{n}")
        if "uses" in step:
            with_ = {k: ctx.render(v) for k, v in (step.get("with") or {}).items()}
            runs.append(StepRun(sid, step.get("name", ""), None, uses=step["uses"], with_=with_))
            if step["uses"].startswith("actions/setup-python@"):
                ctx.steps[sid] = {"python-path": python}
            continue
        if not ctx.condition(step.get("if"), failed):
            runs.append(StepRun(sid, step.get("name", ""), None))
            continue
        files = {name: temp / f"{sid}.{name.lower()}" for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
        for path in files.values():
            path.write_text("")
        env = {k: ctx.render(v) for k, v in (step.get("env") or {}).items()}
        full = {
            **base,
            **{k: str(v) for k, v in files.items()},
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(temp),
            "GITHUB_ACTION_PATH": str(REPO_ROOT),
            **env,
        }
        script = temp / f"{sid}.sh"
        script.write_text(step["run"], encoding="utf-8")
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            env=full,
            cwd=workspace,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        outputs = read_outputs(files["GITHUB_OUTPUT"])
        ctx.steps[sid] = outputs
        runs.append(StepRun(sid, step.get("name", ""), proc.returncode, proc.stdout + proc.stderr, outputs, env))
        failed = failed or proc.returncode != 0
    action_outputs = {name: ctx.render(spec["value"]) for name, spec in action["outputs"].items()}
    return ActionRun(runs, action_outputs, summary.read_text(encoding="utf-8") if summary.exists() else "")
