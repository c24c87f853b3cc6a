"""The verdict of one observation: judged against the active profile and against the documented
profile, which tells a pass from a known deviation and from an unexpected pass."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.problem import Problem, texts
from milvus_conformance.checks.rest_checks import REST_CHECKS
from milvus_conformance.checks.sdk_checks import SDK_CHECKS
from milvus_conformance.results.model import Status, worst
from milvus_conformance.results.surfaces import Surface


@dataclass
class Verdict:
    status: Status
    message: str
    problems: list[str] = field(default_factory=list)
    deviation_source: str = ""
    requirements: list[str] = field(default_factory=list)  # broken beyond the case's own


def findings(exp: Expectation, reply) -> list[Problem]:
    """What the surface's checks find wrong with `reply` against `exp`."""
    checks = REST_CHECKS if exp.surface is Surface.REST else SDK_CHECKS
    return [p for p in (check(exp, reply) for check in checks) if p is not None]


def problems(exp: Expectation, reply) -> list[str]:
    return texts(findings(exp, reply))


def implicated(found: list[Problem]) -> list[str]:
    """Requirements broken by the failing checks themselves (e.g. the envelope's)."""
    return sorted({p.requirement for p in found if p.requirement})


def judge(reply, active: Expectation, documented: Expectation | None) -> Verdict:
    """`documented` is None when the docs say nothing about this case."""
    found = findings(active, reply)
    mine = texts(found)
    docs = problems(documented, reply) if documented is not None and documented.covered else None
    if not mine:
        if docs:  # behaves as the profile says, and that is not what the docs say
            return known_deviation(active, documented.describe(), docs)
        return passed(f"as expected: {active.describe()}")
    if docs == [] and _differs(active, documented):
        return unexpected_pass(
            f"the profile declares a deviation ({active.describe()}, {'; '.join(active.sources)})",
            "the target behaves as documented",
            mine,
        )
    return Verdict(
        Status.FAIL, f"expected {active.describe()}: {'; '.join(mine)}", mine, requirements=implicated(found)
    )


def known_deviation(active: Expectation, docs_expect: str, seen: list[str], sources: str = "") -> Verdict:
    """The target behaves as the active profile says, and that differs from the docs."""
    source = sources or "; ".join(active.sources) or f"profile expects {active.describe()}"
    return Verdict(
        Status.KNOWN_DEVIATION,
        f"known deviation: {source} | the docs expect {docs_expect}, seen: {'; '.join(seen)}",
        seen,
        source,
    )


def unexpected_pass(declared: str, seen: str, problems: list[str]) -> Verdict:
    """The profile declares a deviation the target does not have: the profile is out of date."""
    return Verdict(Status.UNEXPECTED_PASS, f"unexpected pass: {declared} but {seen}", problems)


def _differs(active: Expectation, documented: Expectation) -> bool:
    return active.kind != documented.kind or (
        active.surface is Surface.SDK and active.spec.get("exception") != documented.spec.get("exception")
    )


def passed(message: str) -> Verdict:
    return Verdict(Status.PASS, message)


def failed(message: str, problems: list[str] | None = None) -> Verdict:
    """A failure; `problems` (default: the message itself) are what the checks found."""
    return Verdict(Status.FAIL, message, [message] if problems is None else list(problems))


def combine(*verdicts: Verdict | None) -> Verdict:
    """One verdict for several checks of one case: the worst status, with the messages of the
    checks that have it."""
    found = [v for v in verdicts if v is not None]
    status = worst(v.status for v in found)
    chosen = [v for v in found if v.status is status]
    return Verdict(
        status,
        "; ".join(dict.fromkeys(v.message for v in chosen)),
        [p for v in chosen for p in v.problems],
        "; ".join(dict.fromkeys(v.deviation_source for v in chosen if v.deviation_source)),
        sorted({r for v in chosen for r in v.requirements}),
    )


def labelled(label: str, verdict: Verdict) -> Verdict:
    """`verdict` with `label` (what the check was about) in front of a non-passing message."""
    if verdict.status is Status.PASS:
        return verdict
    return replace(verdict, message=f"{label}: {verdict.message}", problems=[f"{label}: {p}" for p in verdict.problems])
