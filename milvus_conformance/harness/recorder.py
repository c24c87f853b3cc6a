"""Per case: what one case saw, and the verdict it ended with.

The recorded verdict is the case's status. `CaseRecorder.store_verdict` stores it (called only by
`harness.runner.end_case`, the one way a case ends); the pytest outcome it
then causes (an xfail for a known deviation, an exception for a failure) only drives the terminal
and pytest's own exit code, and is never read back as a status. The case's `CaseResult` travels to
the controller as `CaseResult.to_dict()` in the report's `user_properties` (the one route, also for
xdist workers), so that a `-n 2` run yields exactly what a serial run yields."""

from __future__ import annotations

import json

import pytest

from milvus_conformance.checks.verdict import Verdict
from milvus_conformance.errors import ConformanceFailure, TargetUnreachable
from milvus_conformance.harness.skip_kinds import refine
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.generation import Generation
from milvus_conformance.results.model import CaseResult, Exchange, Status
from milvus_conformance.results.observation import Observation
from milvus_conformance.results.surfaces import Channel, SdkStyle, Surface

PROPERTY = "conformance"
RECORDER = pytest.StashKey["CaseRecorder"]()
TARGET_GONE = pytest.StashKey[str]()  # on the session: the target became unreachable mid-run


class CaseRecorder:
    def __init__(self, item: pytest.Item):
        operation = item.get_closest_marker("operation")
        self.requirements = sorted({r for m in item.iter_markers("requirement") for r in m.args})
        self.surface, self.style, self.scenario = surface_of(item)
        self.operation = operation.args[0] if operation else "users/create"
        self.name = item.name
        self.exchanges: list[Exchange] = []
        self.expected = None
        self.observed = None
        self.verdict: Verdict | None = None
        self.message = ""  # the verdict's line as the case result states it
        self.ending: BaseException | None = None  # what store_verdict() raised to end the case
        self.generation: Generation | None = None  # set by a generated-case test

    def add_exchange(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def store_verdict(self, verdict: Verdict, expected=None, observed=None) -> None:
        """Record the case's verdict (its status) with what was expected and observed, then end the
        case in pytest's terms for the terminal: return on a pass, xfail on a known deviation, raise
        on a failure or an unexpected pass. Its one caller is `harness.runner.end_case` (which
        `Runner.end` uses): cases end there, never here."""
        self.verdict, self.expected, self.observed = verdict, expected, observed
        self.message, self.ending = verdict.message, None
        if verdict.status is Status.KNOWN_DEVIATION:
            self.message = REDACTOR.redact_text(verdict.message)
            try:  # pytest.xfail() without a traceback: pytest would read the source of every frame
                raise pytest.xfail.Exception(self.message, pytrace=False)
            except BaseException as exc:  # pytest's own outcome exception: remembered, re-raised
                self.ending = exc
                raise
        if verdict.status in (Status.FAIL, Status.UNEXPECTED_PASS):
            if self.operation == "users/create":
                self.requirements = sorted(set(self.requirements) | set(verdict.requirements))
            self.message = REDACTOR.redact_text(
                f"[{', '.join(self.requirements)}] {verdict.message}{self._last_exchange()}"
            )
            self.ending = ConformanceFailure(self.message, expected, observed)
            raise self.ending

    def _last_exchange(self) -> str:
        """What was sent and received, so the failure line alone proves the point."""
        if not self.exchanges:
            return ""
        # the last request of the case's operation (the one under test), not the suite's own
        # follow-up list call
        under_test = [x for x in self.exchanges if x.operation == self.operation]
        e = (under_test or self.exchanges)[-1]
        sent = e.reproduction.splitlines()[-1] if e.reproduction else json.dumps(e.request)
        return f"\n  sent:     {sent[:600]}\n  received: {json.dumps(e.response, ensure_ascii=False)[:600]}"

    def to_result(self, nodeid: str, status: Status, message: str, duration: float) -> CaseResult:
        return CaseResult(
            case_id=nodeid,
            name=self.name,
            requirements=self.requirements,
            surface=self.surface,
            style=self.style,
            scenario=self.scenario,
            generation=self.generation,
            operation=self.operation,
            status=status,
            message=REDACTOR.redact_text(message)[:2000],
            expected=REDACTOR.redact_json(_plain(self.expected)),
            observed=REDACTOR.redact_json(_plain(self.observed)),
            deviation_source=self.verdict.deviation_source if self.verdict else "",
            duration_s=round(duration, 4),
            exchanges=self.exchanges[-20:],
        )


def surface_of(item) -> tuple[Surface, SdkStyle | None, str]:
    """(surface, style, scenario) of a case, from its parameters and markers: a `Channel` parameter,
    else an `SdkStyle` parameter (an SDK case), else the `surface` marker, else both surfaces. The
    scenario is the node ID without the surface's own parameter."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    channel = next((v for v in params.values() if isinstance(v, Channel)), None)
    if channel is not None:
        return channel.surface, channel.style, _scenario(item, channel)
    style = next((v for v in params.values() if isinstance(v, SdkStyle)), None)
    marker = item.get_closest_marker("surface")
    surface = Surface(marker.args[0]) if marker else Surface.SDK if style else Surface.BOTH
    return surface, style, _scenario(item, style) if style else item.nodeid


def _scenario(item, value: str) -> str:
    """The node ID with `value`'s own part of the parameter ID taken out. pytest joins the IDs of a
    case's parameters with "-" in the order of `callspec.params`; a Channel's or SdkStyle's ID is
    its value."""
    params = list(item.callspec.params.values())
    ident = item.callspec.id
    base = item.nodeid.removesuffix(f"[{ident}]")
    if params[-1] is value:
        rest = ident.removesuffix(value).removesuffix("-")
    elif params[0] is value:
        rest = ident.removeprefix(value).removeprefix("-")
    else:
        rest = ident.replace(f"-{value}-", "-", 1)
    return f"{base}[{rest}]"


def _plain(value):
    """`value` as plain JSON data; an `Observation` (or a parity case's `{channel: Observation}`) by
    its `to_dict`."""
    if isinstance(value, Observation):
        value = value.to_dict()
    elif isinstance(value, dict) and any(isinstance(v, Observation) for v in value.values()):
        value = {k: v.to_dict() if isinstance(v, Observation) else v for k, v in value.items()}
    try:
        return json.loads(json.dumps(value, default=repr))
    except (TypeError, ValueError):
        return repr(value)


def status_of(report, call, recorder: CaseRecorder) -> tuple[Status, str]:
    """The status of one phase: the recorded verdict when the case ended through `end_case` (or
    returned after it); otherwise what stopped the case. pytest's outcome is never read as a verdict:
    an xfail that no verdict caused is an error, not a known deviation."""
    exc = call.excinfo.value if call.excinfo is not None else None
    verdict = recorder.verdict
    if verdict is not None and report.when == "call" and (exc is None or exc is recorder.ending):
        return verdict.status, recorder.message
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return Status.SKIP, reason.removeprefix("Skipped: ")
    if report.passed:
        return Status.PASS, "passed"
    text = str(exc) if exc is not None else str(report.longrepr)
    if report.skipped:
        return Status.ERROR, f"xfail without a recorded verdict (end a case with Runner.end): {text}"
    if isinstance(exc, AssertionError) and report.when == "call":
        return Status.FAIL, text
    return Status.ERROR, f"{type(exc).__name__ if exc else 'error'}: {text}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    exc = call.excinfo.value if call.excinfo is not None else None
    if isinstance(exc, TargetUnreachable) and not item.session.shouldstop:
        # the target is gone: stop here with one infrastructure error, not hundreds of them
        item.session.stash[TARGET_GONE] = str(exc)
        item.session.shouldstop = f"target unreachable: {exc}"
    if isinstance(exc, ConformanceFailure) and report.failed:
        report.longrepr = str(exc)  # what broke, what was sent, what came back: no traceback
    recorder = item.stash.get(RECORDER, None)
    if recorder is None and item.nodeid.startswith("tests/") and not report.passed:
        recorder = CaseRecorder(item)  # skipped or broken before its fixtures ran: still a result
    if recorder is None:
        return report
    if report.when == "call" or not report.passed:
        status, message = status_of(report, call, recorder)
        status, message = refine(item, call, status, message)  # the kind of skip (skip_kinds.py)
        result = recorder.to_result(item.nodeid, status, message, report.duration)
        report.user_properties.append((PROPERTY, result.to_dict()))
    return report
