"""Side-by-side matrix of several runs (vendors, versions, profiles): requirements x runs.

A cell is the requirement's rolled-up status in that run and what the target answered in its cases
(`refused (0)` vs `refused (1100)`: each run is judged against its own profile, so the status alone
can hide a changed code); "—" when that run does not know the requirement at all (not in its
catalogue and cited by none of its cases), so gaps stay visible. Below it: every case whose status
or outcome differs between the runs, and where an embedded run's answers come from.
"""
from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.reports.html import badge, esc, page
from milvus_conformance.reports.markdown import md_cell
from milvus_conformance.reports.outcomes import case_outcome, requirement_outcomes
from milvus_conformance.reports.wording import run_label, status_label
from milvus_conformance.results.model import RunResult, Status


def _requirement_ids(runs: list[RunResult]) -> list[tuple[str, str, str]]:
    """(id, level, statement) for every requirement any run knows, in first-seen order."""
    seen: dict[str, tuple[str, str, str]] = {}
    for run in runs:
        for req in run.requirements:
            seen.setdefault(req.id, (req.id, req.level, req.statement))
    for run in runs:
        for case in run.cases:
            for req_id in case.requirements:
                seen.setdefault(req_id, (req_id, "?", "(cited by a case, missing from the catalogue)"))
    return list(seen.values())


def cell_status(run: RunResult, req_id: str) -> Status | None:
    known = any(r.id == req_id for r in run.requirements) or any(
        req_id in c.requirements for c in run.cases)
    return run.requirement_status(req_id) if known else None


def column_header(n: int, run: RunResult) -> list[str]:
    """The lines that identify a run: what was tested, where, against which server version."""
    t = run.target
    where = t.label or ("embedded target" if t.embedded else (t.base_url or t.grpc_uri))  # ports say nothing
    return [f"#{n} {t.profile}", where, f"server {t.server_version or 'unknown'}"]


# Where an embedded run's answers come from (README "The embedded default target").
PROVENANCE = (
    "Embedded runs: the SDK columns are pymilvus 3.0.2 talking to the release's own gRPC API; the "
    "REST columns are this project's REST v2 gateway over that gRPC API (a Milvus release below 2.4 "
    "has no REST v2): HTTP statuses, the envelope, body binding and routing are the gateway's, and a "
    "legacy error code (a release that leaves Status.code 0) is mapped by the gateway as Milvus's "
    "merr.OldCodeToMerr does (IllegalArgument -> 1100, anything else -> 65535). Name and password "
    "validation, user state, authentication and the user cap are the release's own.")


def cell_text(run: RunResult, req_id: str) -> str:
    """`⚠️ known deviation<br>REST: refused (1100) x4; SDK: refused (0) x8` (Markdown)."""
    status = cell_status(run, req_id)
    outcomes = requirement_outcomes(run, req_id) if status is not None else ""
    return status_label(status) + (f"<br>{md_cell(outcomes)}" if outcomes else "")


@dataclass
class CaseRow:
    """One case across the runs: (status, outcome) per run, None where the run lacks the case."""
    case_id: str
    name: str
    requirements: list[str]
    cells: list[tuple[Status, str | None] | None]


def differing_cases(runs: list[RunResult]) -> list[CaseRow]:
    """Every case whose status or outcome is not the same in all runs, in first-seen order."""
    by_run = [{c.case_id: c for c in run.cases} for run in runs]
    order = list(dict.fromkeys(c.case_id for run in runs for c in run.cases))
    rows = []
    for case_id in order:
        cases = [cases_of_run.get(case_id) for cases_of_run in by_run]
        cells = [(c.status, case_outcome(c)) if c else None for c in cases]
        if len(set(cells)) > 1:
            ref = next(c for c in cases if c)
            rows.append(CaseRow(case_id, ref.name, list(ref.requirements), cells))
    return rows


def _case_cell_md(cell: tuple[Status, str | None] | None) -> str:
    if cell is None:
        return "—"
    status, outcome = cell
    return status_label(status) + (f" · {md_cell(outcome)}" if outcome else "")


def render_matrix_md(runs: list[RunResult]) -> str:
    heads = [" · ".join(md_cell(x) for x in column_header(n, r)) for n, r in enumerate(runs, 1)]
    lines = [
        "# Conformance matrix", "",
        "| Requirement | Level | " + " | ".join(heads) + " |",
        "|---|---|" + "---|" * len(runs),
        "| **Overall** | | " + " | ".join(f"**{run_label(r)}**" for r in runs) + " |",
    ]
    for req_id, level, _ in _requirement_ids(runs):
        cells = " | ".join(cell_text(r, req_id) for r in runs)
        lines.append(f"| {md_cell(req_id)} | {md_cell(level)} | {cells} |")
    differing = differing_cases(runs) if len(runs) > 1 else []
    if differing:
        lines += ["", f"## Cases whose status or outcome differs ({len(differing)})", "",
                  "| Case | Requirements | " + " | ".join(f"#{n}" for n in range(1, len(runs) + 1)) + " |",
                  "|---|---|" + "---|" * len(runs)]
        lines += [f"| {md_cell(row.name)} ({md_cell(row.case_id)}) | {md_cell(', '.join(row.requirements))} | "
                  + " | ".join(_case_cell_md(cell) for cell in row.cells) + " |" for row in differing]
    if any(r.target.embedded for r in runs):
        lines += ["", PROVENANCE]
    lines += ["", "Runs: " + "; ".join(
        f"#{n} run {md_cell(r.run_id)} ({md_cell(r.started_at)}, tool {md_cell(r.tool_version)}, "
        f"spec {md_cell(r.spec_version)})" for n, r in enumerate(runs, 1))]
    return "\n".join(lines) + "\n"


def _html_cell(status: Status | None, outcome: str = "") -> str:
    if status is None:
        return '<td class="muted">—</td>'
    return f"<td>{badge(status)}" + (f'<br><span class="muted">{esc(outcome)}</span>' if outcome else "") + "</td>"


def render_matrix_html(runs: list[RunResult]) -> str:
    heads = "".join(
        "<th>" + "<br>".join(esc(x) for x in column_header(n, r))
        + f'<br><span class="muted">run {esc(r.run_id)}<br>{esc(r.started_at)}</span></th>'
        for n, r in enumerate(runs, 1))
    rows = ["<tr><th>Overall</th><th></th><th></th>"
            + "".join(_html_cell(r.overall()) for r in runs) + "</tr>"]
    for req_id, level, statement in _requirement_ids(runs):
        statuses = [cell_status(r, req_id) for r in runs]
        worst_status = max((s for s in statuses if s), key=lambda s: s.severity, default=Status.SKIP)
        rows.append(
            f'<tr class="filterable" data-status="{esc(worst_status.value)}">'
            f'<td class="id">{esc(req_id)}</td><td>{esc(level)}</td><td>{esc(statement)}</td>'
            + "".join(_html_cell(s, requirement_outcomes(r, req_id) if s else "")
                      for s, r in zip(statuses, runs)) + "</tr>")
    body = (
        "<main><h1>Milvus Create User API conformance matrix</h1>"
        '<div class="filters"><input id="text-filter" type="search" '
        'placeholder="Filter requirements by text" aria-label="Text filter">'
        '<span id="shown-count" class="muted"></span></div>'
        "<table><thead><tr><th>Requirement</th><th>Level</th><th>Statement</th>"
        f"{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>{_differing_html(runs)}"
        + (f'<p class="muted">{esc(PROVENANCE)}</p>' if any(r.target.embedded for r in runs) else "")
        + "</main>"
    )
    return page(f"Conformance matrix ({len(runs)} runs)", body)


def _differing_html(runs: list[RunResult]) -> str:
    differing = differing_cases(runs) if len(runs) > 1 else []
    if not differing:
        return ""
    heads = "".join(f"<th>#{n}</th>" for n in range(1, len(runs) + 1))
    rows = "".join(
        f'<tr><td class="id">{esc(row.name)}<br><span class="muted">{esc(row.case_id)}</span></td>'
        f"<td>{esc(', '.join(row.requirements))}</td>"
        + "".join(_html_cell(*cell) if cell else _html_cell(None) for cell in row.cells) + "</tr>"
        for row in differing)
    return (f"<h2>Cases whose status or outcome differs ({len(differing)})</h2>"
            f"<table><thead><tr><th>Case</th><th>Requirements</th>{heads}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")
