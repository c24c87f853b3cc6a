"""Markdown view of a profile diff: every key with both values and sources, differences first."""
from __future__ import annotations

import json

from milvus_conformance.contract.profile_diff import RELATIONS, ProfileDiff
from milvus_conformance.reports.markdown import md_cell


def _shown(value) -> str:
    if value is None:
        return "(absent)"
    return json.dumps(value.value, ensure_ascii=False, separators=(", ", ": "))


def _count(diff: ProfileDiff, relation: str) -> int:
    return sum(r.relation == relation for r in diff.rows)


def render_profile_diff_md(diff: ProfileDiff) -> str:
    a, b = diff.a, diff.b
    lines = [f"# Profile diff: `{a.name}` vs `{b.name}`", "",
             f"- **A** `{a.name}`: {md_cell(a.title)}", f"- **B** `{b.name}`: {md_cell(b.title)}",
             f"- {len(diff.differences)} of {len(diff.rows)} keys differ: "
             + ", ".join(f"{_count(diff, r)} {r}" for r in RELATIONS[:3]),
             "- *differs*: the two contradict; *narrows*: B states what A leaves open (null, any "
             "status, any non-zero code); *widens*: A states what B leaves open", "",
             f"| B vs A | key | A: {md_cell(a.name)} | B: {md_cell(b.name)} | A's source | B's source |",
             "|---|---|---|---|---|---|"]
    for row in diff.rows:
        mark = row.relation
        sources = [md_cell(v.source if v else "", 240) for v in (row.a, row.b)]
        lines.append(f"| {mark} | `{row.key}` | {md_cell(_shown(row.a))} | {md_cell(_shown(row.b))} "
                     f"| {sources[0]} | {sources[1]} |")
    return "\n".join(lines) + "\n"
