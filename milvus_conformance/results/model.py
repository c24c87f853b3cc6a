"""The one results model of a run. Every report (JSON, JUnit, HTML, Markdown, compare, matrix)
is a view of a `RunResult`; nothing else is the source of a verdict.

Statuses form a small lattice. Rolling up (per requirement, operation, surface) takes the worst.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Iterable

from milvus_conformance.results.generation import Generation
from milvus_conformance.results.interruption import INTERRUPTED, Interruption
from milvus_conformance.results.surfaces import SdkStyle, Surface


class Status(str, Enum):
    PASS = "pass"  # behaved as the profile (and the docs) say
    KNOWN_DEVIATION = "known_deviation"  # differs from the docs exactly as the profile declares
    SKIP = "skip"  # not applicable / not covered by the profile / not supported
    UNEXPECTED_PASS = "unexpected_pass"  # profile declares a deviation, but the target follows the docs
    FAIL = "fail"  # conformance failure
    ERROR = "error"  # harness or infrastructure error: no verdict
    # added for targets that lack operations, and to tell the kinds of skip apart (issue 21)
    NOT_IMPLEMENTED = "not_implemented"  # the target does not implement an operation the case checks
    SKIPPED_BY_CHOICE = "skipped_by_choice"  # left out by the run's options: tier, --read-only, opt-in
    NOT_APPLICABLE = "not_applicable"  # cannot apply to this target (e.g. its surface was not given)

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @property
    def is_conformance_problem(self) -> bool:
        return self in (Status.FAIL, Status.UNEXPECTED_PASS, Status.NOT_IMPLEMENTED)

    @property
    def is_skip(self) -> bool:
        """Nothing was checked: not covered (skip), by choice, or not applicable."""
        return self in (Status.SKIP, Status.SKIPPED_BY_CHOICE, Status.NOT_APPLICABLE)


# Lower is milder. The kinds of skip sit below pass (a requirement with one passing case and the
# rest skipped passes); not applicable (a fact of the target) over skipped by choice (of the run);
# a missing operation is a conformance problem, below a wrong answer.
_SEVERITY = {
    Status.SKIPPED_BY_CHOICE: -2,
    Status.NOT_APPLICABLE: -1,
    Status.SKIP: 0,
    Status.PASS: 1,
    Status.KNOWN_DEVIATION: 2,
    Status.UNEXPECTED_PASS: 3,
    Status.NOT_IMPLEMENTED: 4,
    Status.FAIL: 5,
    Status.ERROR: 6,
}


def worst(statuses: Iterable[Status]) -> Status:
    """Roll-up of several statuses: the most severe one; an empty set rolls up to skip."""
    found = list(statuses)
    return max(found, key=lambda s: s.severity) if found else Status.SKIP


@dataclass
class Exchange:
    """One request/response pair (REST) or call/outcome (SDK), secrets already redacted."""

    surface: Surface  # REST or SDK
    request: dict[str, Any]  # method/url/headers/body, or call/args
    response: dict[str, Any]  # status/headers/body, or returned/raised
    reproduction: str = ""  # curl command or Python snippet, token redacted
    operation: str = ""  # what it was sent to, e.g. "users/create" (a typo'd route as sent)

    def __post_init__(self) -> None:
        self.surface = Surface(self.surface)


@dataclass
class CaseResult:
    case_id: str  # pytest node id
    name: str  # scenario name, human-readable
    requirements: list[str]  # requirement IDs this case checks
    surface: Surface  # REST, SDK, or both (a case comparing them)
    operation: str  # e.g. "users/create"
    status: Status
    message: str = ""  # one-paragraph reason (what was expected, what was seen)
    expected: Any = None  # the profile's expectation, as data
    observed: Any = None  # what the target did, as data
    deviation_source: str = ""  # for known deviations: where the profile says so
    duration_s: float = 0.0
    exchanges: list[Exchange] = field(default_factory=list)
    style: SdkStyle | None = None  # for an SDK case: which documented style it called
    scenario: str = ""  # the case without its surface: equal on every surface it ran on
    generation: Generation | None = None  # a generated-case test: what it generated

    def __post_init__(self) -> None:
        self.surface = Surface(self.surface)
        self.style = SdkStyle(self.style) if self.style else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        d["surface"] = self.surface.value
        d["style"] = self.style.value if self.style is not None else None
        for exchange in d["exchanges"]:
            exchange["surface"] = exchange["surface"].value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "CaseResult":
        d = dict(d)
        d["status"] = Status(d["status"])
        d["exchanges"] = [Exchange(**e) for e in d.get("exchanges", [])]
        d["generation"] = Generation(**d["generation"]) if d.get("generation") else None
        return cls(**d)


@dataclass
class Requirement:
    id: str
    level: str  # MUST | SHOULD
    statement: str
    source: str
    operation: str
    surfaces: list[str]


@dataclass
class Target:
    base_url: str  # credentials removed
    grpc_uri: str  # credentials removed
    profile: str
    embedded: bool
    server_version: str = ""
    # how the profile was chosen (--profile auto) and for which version its values were resolved
    profile_requested: str = ""
    profile_reason: str = ""
    version_source: str = ""  # "GetVersion", "--server-version" or "" (unknown)
    profile_warnings: list[str] = field(default_factory=list)
    tls: dict[str, str] = field(default_factory=dict)  # TlsSettings.describe(): paths, never keys
    label: str = ""  # what a runner calls the target, e.g. "milvus-lite-2.5.1"

    @property
    def tls_note(self) -> str:
        """One line for every view; empty when the run used no TLS."""
        if not self.tls:
            return ""
        if self.tls.get("verification") == "disabled":
            return "TLS verification disabled (--insecure-tls)"
        shown = [self.tls.get("mode", "")] + [
            f"{label} {self.tls[key]}"
            for key, label in (("ca_cert", "CA"), ("client_cert", "client certificate"), ("server_name", "server name"))
            if key in self.tls
        ]
        return "TLS (" + ", ".join(s for s in shown if s) + ")"


@dataclass
class RunResult:
    run_id: str
    target: Target
    tool_version: str
    spec_version: str
    started_at: str  # ISO 8601, UTC
    finished_at: str
    requirements: list[Requirement]
    cases: list[CaseResult]
    harness_errors: list[str] = field(default_factory=list)  # run-level errors (preflight etc.)
    harness_warnings: list[str] = field(default_factory=list)  # run-level, verdict unchanged (users left)
    settle: dict[str, Any] = field(default_factory=dict)  # results/settle.py SettleSummary.to_dict()
    interruption: Interruption | None = None  # run-level: stopped early; `overall` is then "interrupted"
    # the capability check: surface -> operation -> how the target said it lacks it (issue 21)
    missing_operations: dict[str, dict[str, str]] = field(default_factory=dict)

    # ---- roll-ups: derived, never stored separately in memory ----
    def requirement_status(self, req_id: str) -> Status:
        return worst(c.status for c in self.cases if req_id in c.requirements)

    def rollup(self, key: str) -> dict[str, Status]:
        """Worst status per value of a case attribute: 'surface' or 'operation'."""
        out: dict[str, list[Status]] = {}
        for c in self.cases:
            out.setdefault(getattr(c, key), []).append(c.status)
        return {k: worst(v) for k, v in sorted(out.items())}

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for c in self.cases:
            counts[c.status.value] += 1
        return counts

    def overall(self) -> Status:
        if self.harness_errors:
            return Status.ERROR
        return worst(c.status for c in self.cases)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "milvus-conformance/results/v1",
            "run_id": self.run_id,
            "target": asdict(self.target),
            "tool_version": self.tool_version,
            "spec_version": self.spec_version,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "overall": INTERRUPTED if self.interruption else self.overall().value,
            "interruption": self.interruption.to_dict() if self.interruption else None,
            "counts": self.counts(),
            "requirements": [{**asdict(r), "status": self.requirement_status(r.id).value} for r in self.requirements],
            "rollups": {
                "surface": {k: v.value for k, v in self.rollup("surface").items()},
                "operation": {k: v.value for k, v in self.rollup("operation").items()},
            },
            "cases": [c.to_dict() for c in self.cases],
            "harness_errors": list(self.harness_errors),
            "harness_warnings": list(self.harness_warnings),
            "settle": dict(self.settle),
            "missing_operations": {k: dict(v) for k, v in self.missing_operations.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "RunResult":
        reqs = [Requirement(**{k: v for k, v in r.items() if k != "status"}) for r in d["requirements"]]
        return cls(
            run_id=d["run_id"],
            target=Target(**d["target"]),
            tool_version=d["tool_version"],
            spec_version=d["spec_version"],
            started_at=d["started_at"],
            finished_at=d["finished_at"],
            requirements=reqs,
            cases=[CaseResult.from_dict(c) for c in d["cases"]],
            harness_errors=list(d.get("harness_errors", [])),
            harness_warnings=list(d.get("harness_warnings", [])),
            settle=dict(d.get("settle") or {}),
            interruption=Interruption.from_dict(d.get("interruption")),
            missing_operations={k: dict(v) for k, v in d.get("missing_operations", {}).items()},
        )
