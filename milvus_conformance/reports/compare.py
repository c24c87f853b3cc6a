"""Compare two runs (baseline vs current) for regression gating.

Cases are matched by `case_id`. A regression is something that got worse: a case that now fails
(or errors) but did not before. A case failing in both runs is reported but is not a regression,
so a known-bad target can still be gated on "no new breakage".

Each case's outcome (`refused (0)`, `refused (1100)`, ...) is compared too: two releases each judged
against its own profile may have the same status and still answer differently, which is exactly what
an upgrade has to know. A changed outcome is listed, and is not a regression by itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from milvus_conformance.reports.markdown import md_cell
from milvus_conformance.reports.outcomes import case_outcome, requirement_outcomes
from milvus_conformance.reports.wording import WORDING, run_label, status_label
from milvus_conformance.results.model import CaseResult, RunResult, Status

MAX_MESSAGE = 120


def _problem(status: Status | None) -> bool:
    """A conformance failure (None: the case is absent from that run)."""
    return status is not None and status.is_conformance_problem


def _not_failing(status: Status | None) -> bool:
    return status is None or not (status.is_conformance_problem or status is Status.ERROR)


@dataclass
class CaseChange:
    case_id: str
    name: str
    requirements: list[str]
    before: Status | None               # None: the case is not in that run
    after: Status | None
    before_source: str = ""             # deviation_source, for changed deviations
    after_source: str = ""
    message: str = ""                   # current message (baseline's if removed)
    before_outcome: str | None = None   # what the target answered (reports/outcomes.py)
    after_outcome: str | None = None


@dataclass
class RequirementChange:
    req_id: str
    before: Status | None               # None: requirement not in that run's catalogue
    after: Status | None
    before_outcomes: str = ""           # its cases' outcomes per surface
    after_outcomes: str = ""


@dataclass
class Comparison:
    baseline: RunResult
    current: RunResult
    new_failures: list[CaseChange] = field(default_factory=list)
    new_errors: list[CaseChange] = field(default_factory=list)
    new_harness_errors: list[str] = field(default_factory=list)
    fixed: list[CaseChange] = field(default_factory=list)
    still_failing: list[CaseChange] = field(default_factory=list)
    newly_skipped: list[CaseChange] = field(default_factory=list)
    changed_deviations: list[CaseChange] = field(default_factory=list)
    other_changes: list[CaseChange] = field(default_factory=list)  # e.g. error -> pass, skip -> pass
    changed_outcomes: list[CaseChange] = field(default_factory=list)  # same case, different answer
    new_cases: list[CaseChange] = field(default_factory=list)
    removed_cases: list[CaseChange] = field(default_factory=list)
    requirement_changes: list[RequirementChange] = field(default_factory=list)

    @property
    def has_regressions(self) -> bool:
        # Harness errors are errors too: a current run that could not check anything must not pass.
        return bool(self.new_failures or self.new_errors or self.new_harness_errors)


def _change(old: CaseResult | None, new: CaseResult | None) -> CaseChange:
    ref = new or old
    assert ref is not None
    return CaseChange(
        case_id=ref.case_id, name=ref.name, requirements=list(ref.requirements),
        before=old.status if old else None, after=new.status if new else None,
        before_source=old.deviation_source if old else "",
        after_source=new.deviation_source if new else "", message=ref.message,
        before_outcome=case_outcome(old) if old else None,
        after_outcome=case_outcome(new) if new else None,
    )


def _deviation_changed(old: CaseResult, new: CaseResult) -> bool:
    was = old.status is Status.KNOWN_DEVIATION
    now = new.status is Status.KNOWN_DEVIATION
    return was != now or (was and now and old.deviation_source != new.deviation_source)


def compare(baseline: RunResult, current: RunResult) -> Comparison:
    c = Comparison(baseline, current)
    old_by_id = {case.case_id: case for case in baseline.cases}
    new_by_id = {case.case_id: case for case in current.cases}

    for case_id, new in new_by_id.items():
        old = old_by_id.get(case_id)
        before, after = (old.status if old else None), new.status
        change = _change(old, new)
        if old is None:
            c.new_cases.append(change)
        if after is Status.ERROR and before is not Status.ERROR:
            c.new_errors.append(change)
        elif _problem(after) and _not_failing(before):
            c.new_failures.append(change)
        elif old is None:
            pass  # a new case that passes/skips/deviates is only "new"
        elif _problem(before) and after is Status.PASS:
            c.fixed.append(change)
        elif (_problem(before) and _problem(after)) or (
                before is Status.ERROR and after is Status.ERROR):
            c.still_failing.append(change)
        elif after.is_skip and not (before is not None and before.is_skip):
            c.newly_skipped.append(change)
        elif before is not after and not _deviation_changed(old, new):
            c.other_changes.append(change)
        # Deviation changes are a profile-level view: listed even when also a status change above.
        if old is not None and _deviation_changed(old, new):
            c.changed_deviations.append(change)
        if old is not None and change.before_outcome != change.after_outcome:
            c.changed_outcomes.append(change)

    for case_id, old in old_by_id.items():
        if case_id not in new_by_id:
            c.removed_cases.append(_change(old, None))

    old_errors = set(baseline.harness_errors)
    c.new_harness_errors = [e for e in current.harness_errors if e not in old_errors]

    old_reqs = {r.id for r in baseline.requirements}
    new_reqs = {r.id for r in current.requirements}
    ordered = [r.id for r in baseline.requirements] + [
        r.id for r in current.requirements if r.id not in old_reqs]
    for req_id in ordered:
        before = baseline.requirement_status(req_id) if req_id in old_reqs else None
        after = current.requirement_status(req_id) if req_id in new_reqs else None
        was, now = requirement_outcomes(baseline, req_id), requirement_outcomes(current, req_id)
        if before is not after or was != now:
            c.requirement_changes.append(RequirementChange(req_id, before, after, was, now))
    return c


def _describe(run: RunResult) -> str:
    t = run.target
    return (f"{md_cell(t.profile)} · {md_cell(t.base_url)} · server "
            f"{md_cell(t.server_version or 'unknown')} · run {md_cell(run.run_id)} "
            f"({md_cell(run.started_at)}) · overall {run_label(run)}")


SECTIONS = (  # (attribute, title), in the order an operator should read them
    ("new_failures", "New failures"),
    ("new_errors", "New errors"),
    ("fixed", "Fixed"),
    ("still_failing", "Still failing (or still erroring)"),
    ("newly_skipped", "Newly skipped"),
    ("changed_deviations", "Changed deviations"),
    ("other_changes", "Other status changes"),
    ("changed_outcomes", "Changed outcomes"),
    ("new_cases", "New cases"),
    ("removed_cases", "Removed cases"),
)


def _with_outcome(status: Status | None, outcome: str | None, show: bool) -> str:
    return status_label(status) + (f" · {md_cell(outcome)}" if show and outcome else "")


def _case_table(changes: list[CaseChange], with_sources: bool, with_outcomes: bool = False) -> list[str]:
    head = "| Case | Requirements | Before | After |" + (" Deviation source |" if with_sources else "")
    lines = [head + " Message |", "|---" * (5 + with_sources) + "|"]
    for ch in changes:
        row = (f"| {md_cell(ch.name)} ({md_cell(ch.case_id)}) | {md_cell(', '.join(ch.requirements))} "
               f"| {_with_outcome(ch.before, ch.before_outcome, with_outcomes)} "
               f"| {_with_outcome(ch.after, ch.after_outcome, with_outcomes)} |")
        if with_sources:
            row += f" {md_cell(ch.before_source or '—')} → {md_cell(ch.after_source or '—')} |"
        lines.append(row + f" {md_cell(ch.message, MAX_MESSAGE)} |")
    return lines


def render_comparison_md(c: Comparison) -> str:
    n_regressions = len(c.new_failures) + len(c.new_errors) + len(c.new_harness_errors)
    verdict = (f"**{WORDING[Status.FAIL].symbol} {n_regressions} regression(s)**" if c.has_regressions
               else f"**{WORDING[Status.PASS].symbol} No regressions**")
    lines = [
        "# Conformance comparison", "", verdict, "",
        f"- Baseline: {_describe(c.baseline)}", f"- Current: {_describe(c.current)}", "",
        "| Category | Cases |", "|---|---:|",
    ]
    lines += [f"| {title} | {len(getattr(c, attr))} |" for attr, title in SECTIONS]
    lines.append(f"| Requirement status or outcome changes | {len(c.requirement_changes)} |")
    if c.new_harness_errors:
        lines += ["", f"## New harness errors ({len(c.new_harness_errors)})", ""]
        lines += [f"- {md_cell(e, 300)}" for e in c.new_harness_errors]
    for attr, title in SECTIONS:
        changes = getattr(c, attr)
        if changes:
            lines += ["", f"## {title} ({len(changes)})", ""]
            lines += _case_table(changes, with_sources=attr == "changed_deviations",
                                 with_outcomes=attr == "changed_outcomes")
    if c.requirement_changes:
        lines += ["", f"## Requirement status or outcome changes ({len(c.requirement_changes)})", "",
                  "| Requirement | Before | After |", "|---|---|---|"]
        lines += [f"| {md_cell(r.req_id)} | {_with_outcome(r.before, r.before_outcomes, True)} "
                  f"| {_with_outcome(r.after, r.after_outcomes, True)} |" for r in c.requirement_changes]
    return "\n".join(lines) + "\n"
