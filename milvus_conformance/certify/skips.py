"""Which of a run's skipped cases a certified claim may keep, and why.

A certified claim may leave out only what is stated for it: a value the profile leaves open (the
profile says why, with its source), a row that does not apply to an SDK style, or a case of another
tier (the claim names its tier). A skip by the run's own choice (a surface not given, --read-only, an
opt-in not taken) or by the target's state (authorization disabled, a user that is not ours) is not
explained by the profile, and a certified run refuses it.

Every status that is neither a verdict on the target (pass, known deviation, fail, unexpected pass)
nor a harness error is treated as a skip here, so statuses added to the results model later are
judged by their reason until they get a rule of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from milvus_conformance.results.model import CaseResult, Status

PROFILE, NOT_APPLICABLE, TIER = "stated by the profile", "not applicable", "outside the certified tier"

# (category, pattern on the skip reason the harness wrote). The reasons are the harness's own words
# (harness/fixtures.py, harness/runner.py, harness/scenarios.py, the cases); first match wins.
EXPLAINED: tuple[tuple[str, re.Pattern[str]], ...] = (
    (TIER, re.compile(r"^nightly tier only\b")),
    (PROFILE, re.compile(r"^not covered by the active profile: .+")),
    (PROFILE, re.compile(r"^profile \S+ does not (cover|define|accept|say whether) .+")),
    (PROFILE, re.compile(r"^under profile \S+ this input gives .+")),
    (PROFILE, re.compile(r"^the profile does not name the protected admin: .+")),
    (PROFILE, re.compile(r"^Request-Timeout is not sent to this target: .+")),
    (NOT_APPLICABLE, re.compile(r"^\S+ does not apply to the \S+ style\b")),
)


@dataclass(frozen=True)
class SkipJudgement:
    case: CaseResult
    category: str  # one of the categories above, or "" when nothing explains it

    @property
    def explained(self) -> bool:
        return bool(self.category)


def is_verdict(status: Status) -> bool:
    """A status that says something about the target (or a harness error, which is no skip)."""
    return status in (Status.PASS, Status.KNOWN_DEVIATION, Status.ERROR) or status.is_conformance_problem


def judge(case: CaseResult, tier: str) -> SkipJudgement:
    reason = " ".join((case.message or "").split())
    for category, pattern in EXPLAINED:
        if pattern.search(reason):
            if category == TIER and tier == "nightly":
                return SkipJudgement(case, "")  # a nightly claim cannot leave out nightly cases
            return SkipJudgement(case, category)
    return SkipJudgement(case, "")


def skipped(cases: list[CaseResult], tier: str) -> list[SkipJudgement]:
    return [judge(c, tier) for c in cases if not is_verdict(c.status)]


def unexplained(cases: list[CaseResult], tier: str) -> list[SkipJudgement]:
    return [j for j in skipped(cases, tier) if not j.explained]


def uncovered_requirements(requirements, cases: list[CaseResult]) -> list[str]:
    """Requirements of the catalogue no case of the run cites (a run narrowed by -k or a path)."""
    cited = {r for c in cases for r in c.requirements}
    return [r.id for r in requirements if r.id not in cited]
