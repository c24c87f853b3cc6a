"""summary.md: a CI job summary. Short on purpose; report.html has the details.

Also holds the Markdown cell escaping shared by compare and matrix; status words are in wording.py.
"""
from __future__ import annotations

from milvus_conformance.reports.profile_lines import profile_lines
from milvus_conformance.reports.wording import run_label, run_wording, status_label
from milvus_conformance.results.missing import missing_lines
from milvus_conformance.results.model import RunResult, Status
from milvus_conformance.results.settle import SettleSummary

# What a non-passing requirement is listed for in the summary table, worst first.
NON_PASSING = (Status.ERROR, Status.FAIL, Status.NOT_IMPLEMENTED, Status.UNEXPECTED_PASS,
               Status.KNOWN_DEVIATION)
MAX_TABLE_ROWS = 30  # keeps the summary under 60 lines however many requirements fail
MAX_REASON = 140


def md_cell(text: object, limit: int = 0) -> str:
    """One-line, table-safe text: no newlines, pipes escaped, HTML neutralised (job summaries
    render HTML). Not for use inside `code spans`, where entities show literally."""
    s = "".join(ch if ch.isprintable() else " " for ch in str(text))  # control chars, newlines
    s = " ".join(s.split())
    if limit and len(s) > limit:
        s = s[: limit - 1] + "…"
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = s.replace("\\", "\\\\")  # first, so the escapes added below stay escapes
    for char in "|`*[]":
        s = s.replace(char, "\\" + char)
    return s


def verdict_line(run: RunResult) -> str:
    line = f"**Verdict: {run_label(run)}** — {run_wording(run).meaning}"
    if run.interruption:
        line += f" ({md_cell(run.interruption.summary())})"
    return line


def requirement_reason(run: RunResult, req_id: str, status: Status) -> str:
    """The message of the first case that gave the requirement its (worst) status."""
    for case in run.cases:
        if req_id in case.requirements and case.status is status:
            reason = case.message or case.name
            if status is Status.KNOWN_DEVIATION and case.deviation_source:
                reason = f"{reason} (declared in {case.deviation_source})"
            return reason
    return ""


def render_summary_md(run: RunResult) -> str:
    t = run.target
    lines = [
        "# Milvus Create User conformance",
        "",
        verdict_line(run),
        "",
        *[f"**{md_cell(line)}**  " for line in missing_lines(run.missing_operations)],
        f"Target {md_cell(t.base_url)} · profile {md_cell(t.profile)} · "
        f"server {md_cell(t.server_version or 'unknown')} · tool {md_cell(run.tool_version)} · "
        f"spec {md_cell(run.spec_version)} · {md_cell(run.started_at)} → {md_cell(run.finished_at)}"
        + (f" · {md_cell(t.tls_note)}" if t.tls_note else ""),
        "",
    ]
    lines += [f"{md_cell(line, MAX_REASON)}  " for line in profile_lines(t)] + ([""] if profile_lines(t) else [])
    if run.harness_errors:
        lines += [f"**Harness errors ({len(run.harness_errors)}):** "
                  f"{md_cell(run.harness_errors[0], MAX_REASON)}", ""]
    if run.harness_warnings:
        lines += [f"**Harness warning:** {md_cell(w)}" for w in run.harness_warnings] + [""]
    settle = SettleSummary.from_dict(run.settle)      # observed credential settle times
    if settle.samples:
        lines += [f"{md_cell(line)}  " for line in settle.lines()]
        lines += [f"- finding: {md_cell(f)}" for f in settle.findings()[:20]] + [""]
    counts = run.counts()
    lines += [
        "| " + " | ".join(status_label(s) for s in Status) + " | total |",
        "|" + "---:|" * (len(Status) + 1),
        "| " + " | ".join(str(counts[s.value]) for s in Status) + f" | {len(run.cases)} |",
        "",
    ]
    for key, title in (("surface", "Surfaces"), ("operation", "Operations")):
        parts = [f"{md_cell(name)} {status_label(st)}" for name, st in run.rollup(key).items()]
        lines.append(f"**{title}:** " + (" · ".join(parts) if parts else "none"))
    lines.append("")

    rows = []
    for req in run.requirements:
        status = run.requirement_status(req.id)
        if status in NON_PASSING:
            rows.append((NON_PASSING.index(status), req, status))
    rows.sort(key=lambda r: (r[0], r[1].id))
    if not rows:
        lines.append("No failing, erroring or deviating requirements.")
        return "\n".join(lines) + "\n"
    lines += ["| Requirement | Level | Status | Reason |", "|---|---|---|---|"]
    for _, req, status in rows[:MAX_TABLE_ROWS]:
        reason = requirement_reason(run, req.id, status)
        lines.append(f"| {md_cell(req.id)} | {md_cell(req.level)} | {status_label(status)} | "
                     f"{md_cell(reason, MAX_REASON)} |")
    if len(rows) > MAX_TABLE_ROWS:
        lines += ["", f"…and {len(rows) - MAX_TABLE_ROWS} more non-passing requirements "
                      "(see report.html)."]
    return "\n".join(lines) + "\n"
