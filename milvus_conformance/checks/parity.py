"""The parity verdict (SURFACE-PARITY): the same input is accepted on both surfaces or refused on
both, and where both refuse with a code, with the same code. A difference the active profile predicts
(from each surface's own expectation) is a known deviation; any other difference fails."""

from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.verdict import Verdict, failed, known_deviation, passed, unexpected_pass

_WORD = {True: "accepted", False: "refused"}


@dataclass(frozen=True)
class SurfaceOutcome:
    """One surface's outcome of a create: accepted, or refused with a code (None: no integer code)."""

    accepted: bool
    code: int | None = None

    @classmethod
    def seen(cls, succeeded: bool, code) -> "SurfaceOutcome":
        return cls(succeeded, None if succeeded else _int(code))

    @classmethod
    def predicted(cls, active: Expectation) -> "SurfaceOutcome":
        return cls(active.kind == "ok", _int((active.spec or {}).get("code")))

    def matches(self, prediction: "SurfaceOutcome") -> bool:
        return self.accepted == prediction.accepted and (prediction.code is None or self.code == prediction.code)


def _int(value) -> int | None:
    return value if type(value) is int else None


def gap(rest: SurfaceOutcome, sdk: SurfaceOutcome) -> str:
    """How the two sides disagree, or ''."""
    if rest.accepted != sdk.accepted:
        return f"{_WORD[rest.accepted]} over REST, {_WORD[sdk.accepted]} over the SDK"
    if not rest.accepted and rest.code is not None and sdk.code is not None and rest.code != sdk.code:
        return f"refused with code {rest.code} over REST and {sdk.code} over the SDK"
    return ""


def judge_parity(seen: tuple[SurfaceOutcome, SurfaceOutcome], expected: tuple[Expectation, Expectation]) -> Verdict:
    """`seen`: (REST, SDK) outcomes; `expected`: the active profile's expectation on each surface."""
    predicted = tuple(SurfaceOutcome.predicted(e) for e in expected)
    observed_gap, predicted_gap = gap(*seen), gap(*predicted)
    sources = "; ".join(dict.fromkeys(src for e in expected for src in e.sources))
    if not observed_gap and not predicted_gap:
        return passed(f"same outcome on both surfaces: {(seen[0].accepted, seen[0].code)}")
    if not observed_gap:
        return unexpected_pass(
            f"the profile predicts {predicted_gap} ({sources})", "both surfaces agree", [predicted_gap]
        )
    if observed_gap == predicted_gap and all(s.matches(p) for s, p in zip(seen, predicted)):
        return known_deviation(expected[0], "the same outcome on both surfaces", [observed_gap], sources)
    return failed(f"surfaces disagree: {observed_gap}", [observed_gap])
