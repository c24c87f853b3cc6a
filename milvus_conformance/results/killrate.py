"""The kill-rate results model: one object per power run (the clean runs and every fault's
outcome), from which killrate.json and killrate.md are views (reports/killrate.py). Plain data:
nothing pytest-shaped, nothing that runs a suite."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

KILLED, SURVIVED, NOT_APPLICABLE, NO_CASE, ERROR = "killed", "survived", "not_applicable", "no_case", "error"


@dataclass
class CleanRun:
    """The suite through a proxy without a fault: it must conform; what does not pass kills nothing."""

    exit_status: int | None
    seconds: float
    counts: dict = field(default_factory=dict)
    not_passing: list[str] = field(default_factory=list)
    log: str = ""
    requests: int | None = None


@dataclass
class FaultOutcome:
    name: str
    requirement: str
    surface: str  # rest | sdk
    layer: str  # http | grpc | client
    description: str
    status: str  # killed | survived | not_applicable | no_case | error
    killed_by: list[str] = field(default_factory=list)  # cases citing the requirement that failed
    failed_requirements: list[str] = field(default_factory=list)  # cited by all failing cases
    also_violates: list[str] = field(default_factory=list)
    selected: int = 0  # cases run
    not_run: int = 0  # slow cases citing the requirement, not run once a fast one killed
    awaiting_case: str = ""  # the case that would kill it, not in the suite yet
    exit_status: int | None = None
    seconds: float = 0.0
    note: str = ""
    evidence: str = ""  # the first killer's message, shortened


@dataclass
class RequirementPower:
    """A derived row: one requirement's faults and how strongly the suite kills them."""

    id: str
    level: str
    faults: list[FaultOutcome]
    without_fault: str = ""  # why the catalogue has no fault for it

    @property
    def counted(self) -> list[FaultOutcome]:
        return [f for f in self.faults if f.status != NOT_APPLICABLE]

    @property
    def killers(self) -> set[str]:
        return {c for f in self.counted for c in f.killed_by}

    @property
    def single_case_faults(self) -> list[FaultOutcome]:
        return [f for f in self.counted if f.status == KILLED and len(f.killed_by) == 1]

    @property
    def verdict(self) -> str:
        if not self.faults:
            return "no fault"
        if not self.counted:
            return "not applicable"
        if any(f.status != KILLED for f in self.counted):
            return "fault survives"
        if len(self.killers) < 2:
            return "one case"
        return "single-case fault" if self.single_case_faults else "ok"


@dataclass
class KillRateResult:
    profile: str
    cases_in_suite: int
    clean_run: CleanRun
    faults: list[FaultOutcome]
    total_seconds: float = 0.0
    sdk_clean_run: CleanRun | None = None
    requirements: dict[str, str] = field(default_factory=dict)  # id -> level (MUST/SHOULD)
    without_fault: dict[str, str] = field(default_factory=dict)  # id -> why there is no fault

    @property
    def counted(self) -> list[FaultOutcome]:
        return [f for f in self.faults if f.status != NOT_APPLICABLE]

    @property
    def killed(self) -> int:
        return sum(f.status == KILLED for f in self.counted)

    def by_requirement(self) -> list[RequirementPower]:
        ids = list(self.requirements) + sorted({f.requirement for f in self.faults} - set(self.requirements))
        return [
            RequirementPower(
                i,
                self.requirements.get(i, "?"),
                [f for f in self.faults if f.requirement == i],
                self.without_fault.get(i, ""),
            )
            for i in ids
        ]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["killed"], d["counted"] = self.killed, len(self.counted)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "KillRateResult":
        d = {k: v for k, v in d.items() if k not in ("killed", "counted")}
        d["clean_run"] = CleanRun(**d["clean_run"])
        d["sdk_clean_run"] = CleanRun(**d["sdk_clean_run"]) if d.get("sdk_clean_run") else None
        d["faults"] = [FaultOutcome(**f) for f in d["faults"]]
        return cls(**d)


def write_json(result: KillRateResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.to_dict(), indent=2) + "\n")


def read_json(path: Path) -> KillRateResult:
    return KillRateResult.from_dict(json.loads(path.read_text()))
