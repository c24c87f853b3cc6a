"""Controller side: gathers every case's result from the reports (also those of xdist workers) and
builds the run's one RunResult when the session ends."""

from __future__ import annotations

from datetime import datetime, timezone

from milvus_conformance import __version__
from milvus_conformance.contract.requirements import load_requirements
from milvus_conformance.contract.spec import spec_version
from milvus_conformance.harness.recorder import PROPERTY
from milvus_conformance.results.model import CaseResult, RunResult, Status, Target, worst


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Collector:
    def __init__(self, run_id: str, target: Target):
        self.run_id = run_id
        self.target = target
        self.started_at = now()
        self.cases: dict[str, CaseResult] = {}
        self.harness_errors: list[str] = []
        self.harness_warnings: list[str] = []

    def pytest_runtest_logreport(self, report) -> None:
        for key, value in report.user_properties:
            if key == PROPERTY:
                self._merge(CaseResult.from_dict(value))
                return
        if report.failed and report.nodeid.startswith("tests/"):
            # a case that died without a word (crashed worker): no verdict, an error
            self._merge(
                CaseResult(
                    report.nodeid,
                    report.nodeid.split("::")[-1],
                    [],
                    "both",
                    "users/create",
                    Status.ERROR,
                    str(report.longrepr)[:2000],
                )
            )

    def _merge(self, result: CaseResult) -> None:
        """Setup, call and teardown each report; the case keeps the worst status seen."""
        seen = self.cases.get(result.case_id)
        if seen is None or worst([seen.status, result.status]) is not seen.status:
            if seen is not None and not result.exchanges:
                result.exchanges = seen.exchanges
            self.cases[result.case_id] = result

    def run_result(self) -> RunResult:
        cases = sorted(self.cases.values(), key=lambda c: c.case_id)
        return RunResult(
            run_id=self.run_id,
            target=self.target,
            tool_version=__version__,
            spec_version=spec_version(),
            started_at=self.started_at,
            finished_at=now(),
            requirements=list(load_requirements().values()),
            cases=cases,
            harness_errors=list(self.harness_errors),
            harness_warnings=list(self.harness_warnings),
        )
