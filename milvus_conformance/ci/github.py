"""A run's results where a GitHub Actions user looks: the job summary, annotations, step outputs.

Driven by results.json (the results model), never by the run's printed text. Called by action.yml
after the run, with the run's exit status:

    python -m milvus_conformance.ci.github --reports-dir reports --exit-status 1

- appends summary.md to $GITHUB_STEP_SUMMARY, cut at a line to stay within the 1 MiB GitHub allows
  a step's summary (what is cut is in the reports artifact);
- prints at most 10 `::error` annotations, one per failing requirement, worst first (run-level
  harness errors before them), and one `::notice` with the verdict;
- writes the outputs to $GITHUB_OUTPUT: verdict, exit-status, overall, conforms, failed-requirements,
  results, bundle.
Exit status 0 always: the action's last step ends the job with the run's own status.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from milvus_conformance.errors import ExitStatus
from milvus_conformance.reports.markdown import render_summary_md
from milvus_conformance.reports.wording import WORDING
from milvus_conformance.results.io import ResultsFileError, read_results
from milvus_conformance.results.model import RunResult, Status

SUMMARY_LIMIT = 1024 * 1024  # GitHub: a step's summary may be at most 1 MiB
MAX_ANNOTATIONS = 10  # GitHub shows at most 10 error annotations per step
MAX_MESSAGE = 600
TITLE = "milvus-conformance"
LEVEL_ORDER = {"MUST": 0, "MUST NOT": 0, "SHOULD": 1, "SHOULD NOT": 1, "MAY": 2}
# exit status -> the `verdict` output (machine-readable; `verdict-text` is the reports' wording)
VERDICTS = {
    ExitStatus.CONFORMS: "conforms",
    ExitStatus.NONCONFORMANT: "does-not-conform",
    ExitStatus.INTERRUPTED: "interrupted",
    ExitStatus.INFRASTRUCTURE: "no-verdict",
    ExitStatus.CONFIGURATION: "bad-configuration",
}


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF are encoded (GitHub's escaping rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, title: str) -> str:
    message = " ".join(message.split())
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return f"::{kind} title={escape_property(title)}::{escape_data(message)}"


@dataclass(frozen=True)
class Failing:
    req_id: str
    level: str
    status: Status
    cases: int
    example: str  # the first failing case: its id and message


def failing_requirements(run: RunResult) -> list[Failing]:
    """Requirements the run failed (conformance problems and harness errors), worst first: the more
    severe status, MUST before SHOULD, more failing cases, then the ID."""
    out = []
    for req in run.requirements:
        status = run.requirement_status(req.id)
        if not (status.is_conformance_problem or status is Status.ERROR):
            continue
        bad = [c for c in run.cases if req.id in c.requirements and c.status is status]
        example = f"{bad[0].case_id}: {bad[0].message}" if bad else ""
        out.append(Failing(req.id, req.level, status, len(bad), example))
    return sorted(out, key=lambda f: (-f.status.severity, LEVEL_ORDER.get(f.level, 3), -f.cases, f.req_id))


def annotations(run: RunResult, limit: int = MAX_ANNOTATIONS) -> list[str]:
    lines = [command("error", error, f"{TITLE}: harness error") for error in run.harness_errors]
    for f in failing_requirements(run):
        lines.append(
            command(
                "error",
                f"{f.req_id} ({f.level}): {WORDING[f.status].word} in {f.cases} case(s). {f.example}",
                f"{TITLE}: {f.req_id}",
            )
        )
    return lines[:limit]


def verdict_word(exit_status: int) -> str:
    return VERDICTS.get(exit_status, "no-verdict")


def notice(run: RunResult | None, exit_status: int, shown: int, problem: str = "") -> str:
    if run is None:
        text = f"{verdict_word(exit_status).upper()} (exit status {exit_status}): no results.json"
        return command("notice", f"{text}: {problem}" if problem else text, f"{TITLE} verdict")
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in run.counts().items() if v) or "no cases"
    t = run.target
    text = (
        f"{WORDING[run.overall()].verdict} (exit status {exit_status}): {counts}; profile "
        f"{t.profile}; server {t.server_version or 'unknown'}"
    )
    hidden = len(run.harness_errors) + len(failing_requirements(run)) - shown
    if hidden > 0:
        text += f"; {hidden} more failing requirement(s) in the job summary and report.html"
    return command("notice", text, f"{TITLE} verdict")


def clipped(text: str, room: int, note: str) -> str:
    """`text` if it fits in `room` bytes (UTF-8), else its longest run of whole lines that fits with
    `note` after it."""
    data = text.encode("utf-8")
    if len(data) <= room:
        return text
    budget = max(0, room - len(note.encode("utf-8")))
    cut = data[:budget].rsplit(b"\n", 1)[0] if b"\n" in data[:budget] else b""
    return cut.decode("utf-8", errors="ignore") + note


def append_summary(path: Path, text: str, limit: int = SUMMARY_LIMIT) -> None:
    used = path.stat().st_size if path.exists() else 0
    note = "\n\n*Summary cut to fit the job summary's 1 MiB: the full reports are in the artifact.*\n"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(clipped(text, max(0, limit - used), note))


def write_outputs(path: Path, outputs: dict[str, str]) -> None:
    with path.open("a", encoding="utf-8") as fh:
        for key, value in outputs.items():
            fh.write(f"{key}={' '.join(str(value).split())}\n")


def outputs(run: RunResult | None, exit_status: int, reports: Path) -> dict[str, str]:
    bundle = reports / "bundle.tar.gz"
    return {
        "verdict": verdict_word(exit_status),
        "exit-status": str(exit_status),
        "verdict-text": WORDING[run.overall()].verdict if run else verdict_word(exit_status).upper(),
        "overall": run.overall().value if run else "",
        "conforms": "true" if exit_status == ExitStatus.CONFORMS else "false",
        "failed-requirements": ",".join(f.req_id for f in failing_requirements(run)) if run else "",
        "results": str(reports / "results.json") if run else "",
        "bundle": str(bundle) if bundle.is_file() else "",
    }


def summary_text(run: RunResult | None, reports: Path, exit_status: int, problem: str) -> str:
    if run is None:
        return (
            f"# Milvus Create User conformance\n\n**{verdict_word(exit_status).upper()}** (exit status "
            f"{exit_status}): the run wrote no results.json. {problem}\n"
        )
    try:
        text = (reports / "summary.md").read_text(encoding="utf-8")
    except OSError:  # results without their views: render the summary again
        text = render_summary_md(run)
    if (reports / "bundle.tar.gz").is_file():
        text += "\nCertified run: `bundle.tar.gz` is in the reports artifact (`milvus-conformance verify`).\n"
    return text


def last_error_line(log: Path | None) -> str:
    """The run's own one-line reason when it wrote no results (configuration errors end before any
    report): its last line that starts with `conformance:` or `ERROR:`."""
    if log is None or not log.is_file():
        return ""
    lines = [ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    found = [ln for ln in lines if ln.startswith(("conformance:", "ERROR:", "Exit: conformance:"))]
    return found[-1] if found else ""


def report(
    reports: Path, exit_status: int, env: dict[str, str], log: Path | None = None, out=sys.stdout
) -> dict[str, str]:
    try:
        run = read_results(reports / "results.json")
        problem = ""
    except ResultsFileError as exc:
        run, problem = None, last_error_line(log) or str(exc)
    shown = annotations(run) if run is not None else [command("error", problem or "no results", f"{TITLE}: no verdict")]
    for line in shown:
        print(line, file=out)
    print(notice(run, exit_status, len(shown) if run else 0, problem), file=out)
    if env.get("GITHUB_STEP_SUMMARY"):
        append_summary(Path(env["GITHUB_STEP_SUMMARY"]), summary_text(run, reports, exit_status, problem))
    result = outputs(run, exit_status, reports)
    if env.get("GITHUB_OUTPUT"):
        write_outputs(Path(env["GITHUB_OUTPUT"]), result)
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m milvus_conformance.ci.github", description=__doc__.split("\n")[0])
    p.add_argument("--reports-dir", required=True, type=Path)
    p.add_argument("--exit-status", required=True, type=int, help="the run's exit status")
    p.add_argument("--log", type=Path, help="the run's output, for its one-line reason when it wrote no results")
    args = p.parse_args(argv)
    report(args.reports_dir, args.exit_status, dict(os.environ), args.log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
