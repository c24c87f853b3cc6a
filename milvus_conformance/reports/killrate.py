"""The kill-rate views of a `KillRateResult` (results/killrate.py): killrate.json (the object as
data) and killrate.md - the per-requirement view first (faults, how many cases kill each, and the
weak spots: requirements without a fault, faults that survive, faults killed by a single case),
then one row per fault."""
from __future__ import annotations

from pathlib import Path

from milvus_conformance.results.killrate import (
    KILLED,
    FaultOutcome,
    KillRateResult,
    RequirementPower,
    write_json,
)


def _cell(text: str, width: int = 240) -> str:
    return text.replace("|", "/").replace("\n", " ")[:width]


def _cases(cases: list[str], most: int = 4) -> str:
    return "<br>".join(f"`{c}`" for c in cases[:most]) + (f" (+{len(cases) - most})" if len(cases) > most else "")


def _kills(f: FaultOutcome) -> str:
    if f.status != KILLED:
        return f.status
    return f"{len(f.killed_by)}" + (f" (+{f.not_run} slow not run)" if f.not_run else "")


def _fault_counts(row: RequirementPower) -> str:
    return ", ".join(f"`{f.name}` {_kills(f)}" for f in row.faults)


def requirement_lines(result: KillRateResult) -> list[str]:
    rows = result.by_requirement()
    lines = ["## Per requirement", "",
             "Each fault with the number of cases that killed it (cases citing the fault's requirement that "
             "failed); the slow (generated) cases citing it run only when no fast case killed it, and are "
             "counted as not run.", "",
             "| requirement | level | faults: cases killing each | distinct killing cases | verdict |",
             "|---|---|---|---:|---|"]
    for row in rows:
        faults = _fault_counts(row) or _cell(row.without_fault or "no fault in the catalogue")
        lines.append(f"| {row.id} | {row.level} | {faults} | {len(row.killers)} | {row.verdict} |")
    return lines + [""] + weak_spot_lines(rows)


def weak_spot_lines(rows: list[RequirementPower]) -> list[str]:
    lines = ["## Weak spots", ""]
    none = [r for r in rows if not r.faults]
    survivors = [f for r in rows for f in r.counted if f.status != KILLED]
    single = [f for r in rows for f in r.single_case_faults]
    one_case = [r for r in rows if r.counted and len(r.killers) == 1]
    lines += [f"- requirements without a fault: {len(none)}"] + \
        [f"  - {r.id}: {r.without_fault or 'no reason recorded'}" for r in none]
    lines += [f"- faults not killed: {len(survivors)}"] + \
        [f"  - `{f.name}` ({f.requirement}): {f.status}; "
         f"{_cell(('awaiting a case: ' + f.awaiting_case) if f.awaiting_case else f.note, 200)}" for f in survivors]
    lines += [f"- faults killed by a single case: {len(single)}"] + \
        [f"  - `{f.name}` ({f.requirement}): `{f.killed_by[0]}`"
         + (f" (+{f.not_run} slow not run)" if f.not_run else "") for f in single]
    lines += [f"- requirements whose faults one case kills alone: {len(one_case)}"] + \
        [f"  - {r.id}: `{next(iter(r.killers))}`" for r in one_case]
    return lines


def fault_lines(result: KillRateResult) -> list[str]:
    lines = ["## Per fault", "", "| fault | layer | requirement | killed? | killed by | evidence / note |",
             "|---|---|---|---|---|---|"]
    for f in result.faults:
        note = f.evidence or f.note or ("failing: " + ", ".join(f.failed_requirements) if f.failed_requirements else "")
        lines.append(f"| `{f.name}` | {f.layer} | {f.requirement} | {f.status} | {_cases(f.killed_by)} | "
                     f"{_cell(note)} |")
    noise = result.clean_run.not_passing + (result.sdk_clean_run.not_passing if result.sdk_clean_run else [])
    if noise:
        lines += ["", "Not passing without a fault (they kill nothing):", ""] + [f"- `{c}`" for c in noise]
    lines += ["", "Faults:", ""]
    for f in result.faults:
        also = f" (necessarily also breaks {', '.join(f.also_violates)})" if f.also_violates else ""
        lines.append(f"- `{f.name}` ({f.layer}): {f.description}{also}")
    return lines


def render_markdown(result: KillRateResult) -> str:
    clean = result.clean_run
    head = [f"# Kill rate: {result.killed}/{len(result.counted)} faults killed", "",
            f"Profile `{result.profile}`; {result.cases_in_suite} cases in the suite; clean run exit "
            f"{clean.exit_status} in {clean.seconds} s; total {result.total_seconds} s.", ""]
    return "\n".join(head + requirement_lines(result) + [""] + fault_lines(result)) + "\n"


def write(result: KillRateResult, reports_dir: Path) -> None:
    reports_dir = Path(reports_dir)
    write_json(result, reports_dir / "killrate.json")
    (reports_dir / "killrate.md").write_text(render_markdown(result))
