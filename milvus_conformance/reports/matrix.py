"""Side-by-side matrix of several runs (vendors, versions, profiles): requirements x runs.

A cell is the requirement's rolled-up status in that run; "—" when that run does not know the
requirement at all (not in its catalogue and cited by none of its cases), so gaps stay visible.
"""
from __future__ import annotations

from milvus_conformance.reports.html import badge, esc, page
from milvus_conformance.reports.markdown import md_cell
from milvus_conformance.reports.wording import status_label
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
    return [f"#{n} {t.profile}", t.base_url or t.grpc_uri, f"server {t.server_version or 'unknown'}"]


def render_matrix_md(runs: list[RunResult]) -> str:
    heads = [" · ".join(md_cell(x) for x in column_header(n, r)) for n, r in enumerate(runs, 1)]
    lines = [
        "# Conformance matrix", "",
        "| Requirement | Level | " + " | ".join(heads) + " |",
        "|---|---|" + "---|" * len(runs),
        "| **Overall** | | " + " | ".join(f"**{status_label(r.overall())}**" for r in runs) + " |",
    ]
    for req_id, level, _ in _requirement_ids(runs):
        cells = " | ".join(status_label(cell_status(r, req_id)) for r in runs)
        lines.append(f"| {md_cell(req_id)} | {md_cell(level)} | {cells} |")
    lines += ["", "Runs: " + "; ".join(
        f"#{n} run {md_cell(r.run_id)} ({md_cell(r.started_at)}, tool {md_cell(r.tool_version)}, "
        f"spec {md_cell(r.spec_version)})" for n, r in enumerate(runs, 1))]
    return "\n".join(lines) + "\n"


def _html_cell(status: Status | None) -> str:
    return '<td class="muted">—</td>' if status is None else f"<td>{badge(status)}</td>"


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
            + "".join(_html_cell(s) for s in statuses) + "</tr>")
    body = (
        "<main><h1>Milvus Create User API conformance matrix</h1>"
        '<div class="filters"><input id="text-filter" type="search" '
        'placeholder="Filter requirements by text" aria-label="Text filter">'
        '<span id="shown-count" class="muted"></span></div>'
        "<table><thead><tr><th>Requirement</th><th>Level</th><th>Statement</th>"
        f"{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></main>"
    )
    return page(f"Conformance matrix ({len(runs)} runs)", body)
