"""report.html: one self-contained page for a human reading a run.

Everything taken from the model goes through `esc` (servers echo user input, and the suite sends
hostile user names on purpose). No external URLs: inline CSS/JS only, and a CSP that forbids loads.
"""
from __future__ import annotations

import html
import json
from typing import Any

from milvus_conformance.reports.html_assets import CSP, CSS, JS
from milvus_conformance.reports.profile_lines import profile_lines
from milvus_conformance.reports.wording import STATUS_WORD, WORDING, run_wording
from milvus_conformance.results.missing import missing_lines
from milvus_conformance.results.model import CaseResult, Exchange, Requirement, RunResult, Status
from milvus_conformance.results.settle import SettleSummary

# What went wrong: listed first in the page, their cases opened.
PROBLEMS = (Status.FAIL, Status.ERROR, Status.UNEXPECTED_PASS)
# Filter-button order: what an operator wants to look at first.
FILTER_ORDER = (Status.FAIL, Status.NOT_IMPLEMENTED, Status.ERROR, Status.UNEXPECTED_PASS,
                Status.KNOWN_DEVIATION, Status.SKIP, Status.SKIPPED_BY_CHOICE, Status.NOT_APPLICABLE,
                Status.PASS)


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def pretty(value: Any) -> str:
    """Data as indented JSON (strings as-is), escaped, ready for a <pre>."""
    if isinstance(value, str):
        return esc(value)
    return esc(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str))


def badge(status: Status) -> str:
    return f'<span class="badge s-{esc(status.value)}">{esc(STATUS_WORD[status])}</span>'


def page(title: str, body: str) -> str:
    """The shared self-contained page shell (also used by the matrix report)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        f"<script>{JS}</script>\n</body>\n</html>\n"
    )


def _header(run: RunResult) -> str:
    t = run.target
    overall = run.overall()
    meta = [
        ("Target (REST)", t.base_url), ("Target (gRPC)", t.grpc_uri), ("Profile", t.profile),
        ("Server version", t.server_version or "unknown"),
        *(("Profile choice" if i == 0 and t.profile_reason else "Warning", line)
          for i, line in enumerate(profile_lines(t))),
        ("Embedded server", "yes" if t.embedded else "no"), ("TLS", t.tls_note or "none"),
        ("Tool version", run.tool_version),
        ("Spec version", run.spec_version), ("Run ID", run.run_id),
        ("Started (UTC)", run.started_at), ("Finished (UTC)", run.finished_at),
    ]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in meta)
    out = [
        "<header>",
        "<h1>Milvus Create User API conformance</h1>",
        _verdict(run, overall),
        *(f'<p class="verdict t-not_implemented">{esc(line)}</p>' for line in missing_lines(run.missing_operations)),
        f'<dl class="meta">{rows}</dl>',
    ]
    if run.harness_errors:
        items = "".join(f"<li><pre>{esc(e)}</pre></li>" for e in run.harness_errors)
        out.append(f'<h2 class="t-error">Harness errors ({len(run.harness_errors)})</h2><ul>{items}</ul>')
    if run.harness_warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in run.harness_warnings)
        out.append(f'<h2 class="t-known_deviation">Harness warnings ({len(run.harness_warnings)})</h2>'
                   f"<ul>{items}</ul>")
    settle = SettleSummary.from_dict(run.settle)
    if settle.samples:      # observed credential settle times and findings (results/settle.py)
        items = "".join(f"<li>{esc(line)}</li>" for line in settle.lines() + settle.findings())
        out.append(f"<h2>Credential settle times</h2><ul>{items}</ul>")
    out.append("</header>")
    return "\n".join(out)


def _verdict(run: RunResult, overall) -> str:
    if run.interruption:   # a partial run: no verdict, whatever the cases that ran say
        return (f'<p class="verdict t-error">Verdict: {esc(run_wording(run).word)} - '
                f"{esc(run_wording(run).sentence)} ({esc(run.interruption.summary())})</p>")
    return (f'<p class="verdict t-{esc(overall.value)}">Verdict: {badge(overall)} '
            f"{esc(WORDING[overall].sentence)}</p>")


def _summary(run: RunResult) -> str:
    counts = run.counts()
    boxes = "".join(
        f'<div class="count"><b class="t-{esc(s.value)}">{counts[s.value]}</b>{esc(STATUS_WORD[s])}</div>'
        for s in FILTER_ORDER
    )
    rollups = []
    for key, title in (("surface", "Surface"), ("operation", "Operation")):
        cells = "".join(f"<tr><td>{esc(name)}</td><td>{badge(st)}</td></tr>"
                        for name, st in run.rollup(key).items())
        rollups.append(f"<table><tr><th>{esc(title)}</th><th>Status</th></tr>{cells}</table>")
    ran = (f"{len(run.cases)} of {run.interruption.cases_planned} cases ran (interrupted)"
           if run.interruption and run.interruption.cases_planned else f"{len(run.cases)} cases")
    return (f'<h2>Summary — {esc(ran)}</h2><div class="counts">{boxes}</div>'
            f'<div class="grid2" style="margin-top:.8rem">{"".join(rollups)}</div>')


def _filters() -> str:
    buttons = ['<button type="button" data-filter="all" aria-pressed="true">all</button>']
    buttons += [f'<button type="button" data-filter="{esc(s.value)}">{esc(STATUS_WORD[s])}</button>'
                for s in FILTER_ORDER]
    return (
        '<div class="filters" role="toolbar" aria-label="Filters">' + "".join(buttons)
        + '<input id="text-filter" type="search" placeholder="Filter by text, e.g. a requirement ID"'
        ' aria-label="Text filter">'
        '<button type="button" id="expand-all">expand cases</button>'
        '<button type="button" id="collapse-all">collapse cases</button>'
        '<span id="shown-count" class="muted"></span></div>'
    )


def _requirement_rows(run: RunResult) -> list[tuple[Requirement | None, str]]:
    """Catalogue requirements, plus any ID a case cites that the catalogue lacks (never hide one)."""
    rows: list[tuple[Requirement | None, str]] = [(r, r.id) for r in run.requirements]
    known = {r.id for r in run.requirements}
    for case in run.cases:
        for req_id in case.requirements:
            if req_id not in known:
                known.add(req_id)
                rows.append((None, req_id))
    return rows


def _requirements(run: RunResult) -> str:
    out = ["<h2>Requirements</h2><table><thead><tr><th>ID</th><th>Level</th><th>Statement</th>"
           "<th>Source</th><th>Status</th><th>Cases</th></tr></thead><tbody>"]
    for req, req_id in _requirement_rows(run):
        status = run.requirement_status(req_id)
        n = sum(1 for c in run.cases if req_id in c.requirements)
        level, statement, source = ((req.level, req.statement, req.source) if req
                                    else ("?", "(cited by a case, missing from the catalogue)", ""))
        out.append(
            f'<tr class="filterable" data-status="{esc(status.value)}">'
            f'<td class="id">{esc(req_id)}</td><td>{esc(level)}</td><td>{esc(statement)}</td>'
            f"<td>{esc(source)}</td><td>{badge(status)}</td>"
            f'<td class="num"><button type="button" data-req="{esc(req_id)}" '
            f'title="Show the cases for this requirement">{n}</button></td></tr>'
        )
    out.append("</tbody></table>")
    return "\n".join(out)


def _exchange(n: int, ex: Exchange) -> str:
    parts = [f'<div class="label">Exchange {n} ({esc(ex.surface)})</div><div class="grid2">'
             f"<div><div class=\"label\">Request</div><pre>{pretty(ex.request)}</pre></div>"
             f"<div><div class=\"label\">Response</div><pre>{pretty(ex.response)}</pre></div></div>"]
    if ex.reproduction:
        parts.append(f'<div class="label">Reproduction</div><pre>{esc(ex.reproduction)}</pre>')
    return "".join(parts)


def _anchor(case: CaseResult) -> str:
    return "case-" + "".join(ch if ch.isalnum() else "-" for ch in case.case_id)


def _case(case: CaseResult) -> str:
    reqs = ", ".join(case.requirements) or "no requirement"
    opened = " open" if case.status in PROBLEMS else ""       # what went wrong is shown unasked
    body = [
        f'<details class="case filterable" id="{esc(_anchor(case))}" '
        f'data-status="{esc(case.status.value)}"{opened}>',
        f"<summary>{badge(case.status)} {esc(case.name)} "
        f'<span class="op">{esc(case.operation)} · {esc(case.surface)} · {esc(reqs)}</span></summary>',
        f'<div class="label">Case</div><div class="op">{esc(case.case_id)} '
        f"({case.duration_s:.3f} s)</div>",
        f'<div class="label">Message</div><div>{esc(case.message or "(none)")}</div>',
    ]
    if case.deviation_source:
        body.append(f'<div class="label">Deviation declared in</div><div>{esc(case.deviation_source)}</div>')
    body.append(
        f'<div class="grid2"><div><div class="label">Expected</div><pre>{pretty(case.expected)}</pre></div>'
        f'<div><div class="label">Observed</div><pre>{pretty(case.observed)}</pre></div></div>'
    )
    body += [_exchange(n, ex) for n, ex in enumerate(case.exchanges, 1)]
    body.append("</details>")
    return "\n".join(body)


def _cases(run: RunResult) -> str:
    # Worst first, so failures are at the top without any filtering.
    ordered = sorted(run.cases, key=lambda c: (-c.status.severity, c.operation, c.case_id))
    return "<h2>Cases</h2>\n" + "\n".join(_case(c) for c in ordered)


def _failures(run: RunResult) -> str:
    """Right under the summary, before any table: every failure, error and unexpected pass, with
    its message and a link to the case (opened below): no filter to find first."""
    problems = sorted((c for c in run.cases if c.status in PROBLEMS),
                      key=lambda c: (-c.status.severity, c.operation, c.case_id))
    if not problems:
        return '<h2 id="failures">Failures — none</h2>'
    rows = "".join(
        f'<tr><td>{badge(c.status)}</td><td><a href="#{esc(_anchor(c))}">{esc(c.name)}</a></td>'
        f'<td class="id">{esc(", ".join(c.requirements))}</td>'
        f"<td>{esc((c.message or '').splitlines()[0] if c.message else '')}</td></tr>" for c in problems)
    return (f'<h2 id="failures" class="t-fail">Failures — {len(problems)}</h2>'
            f"<table><thead><tr><th>Status</th><th>Case</th><th>Requirements</th><th>Message</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>")


def render_html(run: RunResult) -> str:
    title = f"Conformance: {run.target.profile} @ {run.target.base_url} — {run_wording(run).word if run.interruption else run.overall().value}"
    body = "\n".join([_header(run), _summary(run), _failures(run), _filters(), _requirements(run),
                      _cases(run)])
    return page(title, f"<main>\n{body}\n</main>")
