"""Parity view: for each scenario run on both surfaces, the REST outcome and the SDK outcome side by
side, and every disagreement between the surfaces (one accepts what the other refuses, or both refuse
with different codes). A view of the results model, like every report."""
from __future__ import annotations

import re
from dataclasses import dataclass

from milvus_conformance.results.model import CaseResult, RunResult

_SURFACE_PARAM = re.compile(r"(^|-)(rest|sdk-utility|sdk-client)(?=-|$)")


@dataclass
class Side:
    surface: str
    accepted: bool | None
    code: object


@dataclass
class ParityRow:
    scenario: str
    sides: list[Side]

    @property
    def disagreement(self) -> str:
        known = [s for s in self.sides if s.accepted is not None]
        if len({s.accepted for s in known}) > 1:
            return "accepted on " + ", ".join(s.surface for s in known if s.accepted) + \
                   ", refused on " + ", ".join(s.surface for s in known if not s.accepted)
        codes = {s.code for s in known if not s.accepted and isinstance(s.code, int)}
        return f"different codes {sorted(codes)}" if len(codes) > 1 else ""


def _scenario(case_id: str) -> tuple[str, str] | None:
    m = re.match(r"(.*)\[(.*)\]$", case_id)
    if not m or not _SURFACE_PARAM.search(m.group(2)):
        return None
    surface = _SURFACE_PARAM.search(m.group(2)).group(2)
    rest = _SURFACE_PARAM.sub("", m.group(2)).strip("-")
    return f"{m.group(1)}[{rest}]", surface


def _side(surface: str, case: CaseResult) -> Side:
    obs = case.observed if isinstance(case.observed, dict) else {}
    if surface == "rest":
        body = obs.get("body")
        code = body.get("code") if isinstance(body, dict) else None
        return Side(surface, None if code is None else code == 0, code)
    if "raised" not in obs:
        return Side(surface, None, None)
    return Side(surface, obs.get("raised") is None, obs.get("code"))


def parity_rows(run: RunResult) -> list[ParityRow]:
    groups: dict[str, list[Side]] = {}
    for case in run.cases:
        key = _scenario(case.case_id)
        if key:
            groups.setdefault(key[0], []).append(_side(key[1], case))
    return [ParityRow(k, v) for k, v in sorted(groups.items())
            if {s.surface == "rest" for s in v} == {True, False}]


def render_parity_md(run: RunResult) -> str:
    rows = parity_rows(run)
    split = [r for r in rows if r.disagreement]
    lines = ["# REST / SDK parity", "",
             f"{len(rows)} scenarios ran on both surfaces; {len(split)} disagree.", ""]
    if run.target.tls_note:
        lines += [f"Connection: {run.target.tls_note}.", ""]
    if split:
        lines += ["| scenario | disagreement |", "|---|---|"]
        lines += [f"| `{r.scenario}` | {r.disagreement} |" for r in split]
        lines.append("")
    lines += ["| scenario | " + " | ".join(("rest", "sdk-utility", "sdk-client")) + " |",
              "|---|---|---|---|"]
    for r in rows:
        by = {s.surface: s for s in r.sides}
        cells = []
        for name in ("rest", "sdk-utility", "sdk-client"):
            s = by.get(name)
            cells.append("-" if s is None or s.accepted is None
                         else "accepted" if s.accepted else f"refused ({s.code})")
        lines.append(f"| `{r.scenario}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
