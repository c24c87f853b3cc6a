"""Parity view: for each scenario run on both surfaces, the REST outcome and the SDK outcome side by
side, and every disagreement between the surfaces (one accepts what the other refuses, or both refuse
with different codes). A view of the results model, like every report."""
from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.results.model import CaseResult, RunResult
from milvus_conformance.results.observation import observations
from milvus_conformance.results.surfaces import CHANNELS, Channel, Surface


@dataclass
class ChannelOutcome:
    """One channel's outcome of a scenario as recorded (accepted: by the profile's rule; None: no
    observation). Not checks.parity.SurfaceOutcome, which is what the parity check compares during the case."""
    channel: Channel
    accepted: bool | None
    code: object


@dataclass
class ParityRow:
    scenario: str
    sides: list[ChannelOutcome]

    @property
    def measured(self) -> bool:
        """Ran on both surfaces: a REST outcome and an SDK outcome are known (a skipped case has none)."""
        known = {s.channel is Channel.REST for s in self.sides if s.accepted is not None}
        return known == {True, False}

    @property
    def disagreement(self) -> str:
        known = [s for s in self.sides if s.accepted is not None]
        if len({s.accepted for s in known}) > 1:
            return "accepted on " + ", ".join(s.channel for s in known if s.accepted) + \
                   ", refused on " + ", ".join(s.channel for s in known if not s.accepted)
        codes = {s.code for s in known if not s.accepted and isinstance(s.code, int)}
        return f"different codes {sorted(codes)}" if len(codes) > 1 else ""


def _side(channel: Channel, case: CaseResult) -> ChannelOutcome:
    """The case's recorded observation: accepted by the active profile's rule (never `code == 0`)."""
    obs = observations(case.observed).get("")
    if obs is None or (obs.surface is Surface.REST and obs.code is None):
        return ChannelOutcome(channel, None, None)
    return ChannelOutcome(channel, obs.accepted, obs.code)


def parity_rows(run: RunResult) -> list[ParityRow]:
    """Scenarios with a REST case and an SDK case (cases on one channel each, same `scenario`)."""
    groups: dict[str, list[ChannelOutcome]] = {}
    for case in run.cases:
        channel = Channel.of(case.surface, case.style)
        if channel is not None and case.scenario:
            groups.setdefault(case.scenario, []).append(_side(channel, case))
    return [ParityRow(k, v) for k, v in sorted(groups.items())
            if {s.channel is Channel.REST for s in v} == {True, False}]


def parity_line(run: RunResult) -> str:
    """What parity measured, in one line: only scenarios whose cases really ran on both surfaces
    count (with --read-only, or one surface only, their cases skip: parity was not measured)."""
    rows = parity_rows(run)
    measured = [r for r in rows if r.measured]
    if not measured:
        surfaces = [name for name, url in (("REST", run.target.base_url), ("gRPC", run.target.grpc_uri))
                    if not url]
        why = (f"no {' or '.join(surfaces)} target" if surfaces else
               f"none of its {len(rows)} scenarios ran on both surfaces")
        return f"not measured ({why})"
    split = sum(1 for r in measured if r.disagreement)
    unmeasured = len(rows) - len(measured)
    plural = "s" if len(measured) != 1 else ""
    return (f"{len(measured)} scenario{plural} ran on both surfaces, {split} disagree"
            + (f"; {unmeasured} not measured (skipped on a surface)" if unmeasured else ""))


def transport_facts(run: RunResult) -> list[str]:
    """Facts a case recorded about what a surface can carry (`observed["facts"]`), e.g. that a
    password ending in a space never logs in with a Bearer token: each once, never a failure."""
    found = [fact for case in run.cases if isinstance(case.observed, dict)
             for fact in case.observed.get("facts") or () if isinstance(fact, str)]
    return list(dict.fromkeys(found))


def render_parity_md(run: RunResult) -> str:
    rows = parity_rows(run)
    split = [r for r in rows if r.disagreement]
    lines = ["# REST / SDK parity", "", f"Parity: {parity_line(run)}.", ""]
    if run.target.tls_note:
        lines += [f"Connection: {run.target.tls_note}.", ""]
    for warning in run.harness_warnings:
        lines += [f"Harness warning: {warning}", ""]
    facts = transport_facts(run)
    if facts:
        lines += ["What a surface cannot carry (facts, not failures):", ""]
        lines += [f"- {fact}" for fact in facts] + [""]
    if split:
        lines += ["| scenario | disagreement |", "|---|---|"]
        lines += [f"| `{r.scenario}` | {r.disagreement} |" for r in split]
        lines.append("")
    lines += ["| scenario | " + " | ".join(CHANNELS) + " |", "|---|" + "---|" * len(CHANNELS)]
    for r in rows:
        by = {s.channel: s for s in r.sides}
        cells = []
        for channel in CHANNELS:
            s = by.get(channel)
            cells.append("-" if s is None or s.accepted is None
                         else "accepted" if s.accepted else f"refused ({s.code})")
        lines.append(f"| `{r.scenario}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
