"""One way from a case to its verdict: the recorded verdict is the case's status (pytest's outcome is
never read back as one), a check's requirement travels in the `Problem` it returns, and "accepted" is
decided once, by the active profile, and shown as such by every report view (Milvus 2.4.0-2.4.2
answered success with code 200)."""

from types import SimpleNamespace

import pytest

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.observation import accepted, observe
from milvus_conformance.checks.verdict import failed, judge, known_deviation, passed
from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.contract.versions import parse_version
from milvus_conformance.harness.recorder import CaseRecorder, status_of
from milvus_conformance.harness.runner import Runner, end_case
from milvus_conformance.reports.outcomes import outcome_of
from milvus_conformance.reports.parity import parity_rows
from milvus_conformance.results.model import CaseResult, RunResult, Status, Target
from milvus_conformance.results.observation import Observation
from milvus_conformance.results.surfaces import Channel, Surface


class FakeItem:
    name = nodeid = "tests/test_x.py::test_x"

    def get_closest_marker(self, name):
        return None

    def iter_markers(self, name):
        return iter(())


def _report(when="call", outcome="passed", longrepr=None, wasxfail=None):
    report = SimpleNamespace(
        when=when,
        passed=outcome == "passed",
        failed=outcome == "failed",
        skipped=outcome == "skipped",
        longrepr=longrepr,
    )
    if wasxfail is not None:
        report.wasxfail = wasxfail
    return report


def _call(exc=None):
    return SimpleNamespace(excinfo=SimpleNamespace(value=exc) if exc is not None else None)


def _ended(verdict):
    recorder = CaseRecorder(FakeItem())
    try:
        end_case(recorder, verdict)
    except BaseException as exc:  # noqa: BLE001 - pytest's outcome exceptions are BaseExceptions
        return recorder, exc
    return recorder, None


@pytest.mark.parametrize(
    "verdict,outcome",
    [
        (passed("as expected"), "passed"),
        (known_deviation(Expectation("ok", Surface.SDK, {}), "ok", ["seen"], "a source"), "skipped"),
        (failed("wrong"), "failed"),
    ],
)
def test_the_recorded_verdict_is_the_status(verdict, outcome):
    recorder, exc = _ended(verdict)
    status, message = status_of(_report(outcome=outcome, wasxfail="ignored"), _call(exc), recorder)
    assert status is verdict.status
    assert verdict.message in message


def test_an_xfail_without_a_verdict_is_no_known_deviation():
    recorder = CaseRecorder(FakeItem())
    try:
        pytest.xfail("somebody's xfail")
    except BaseException as exc:  # noqa: BLE001
        status, _ = status_of(_report(outcome="skipped", wasxfail="x"), _call(exc), recorder)
    assert status is Status.ERROR


def test_an_exception_after_the_verdict_is_not_hidden_by_it():
    recorder, _ = _ended(passed("as expected"))
    status, _ = status_of(_report(outcome="failed"), _call(RuntimeError("later")), recorder)
    assert status is Status.ERROR
    status, _ = status_of(_report(when="teardown", outcome="failed"), _call(RuntimeError("x")), recorder)
    assert status is Status.ERROR


def _rest_reply(status, body):
    import json

    return SimpleNamespace(
        status=status, json=body, text=json.dumps(body), code=body.get("code"), content_type="application/json"
    )


def test_accepted_follows_the_profiles_success_code():
    at_240 = load_profile("milvus-2.4", parse_version("2.4.0"))
    at_243 = load_profile("milvus-2.4", parse_version("2.4.3"))
    success_200 = _rest_reply(200, {"code": 200, "data": {}})
    assert accepted(at_240, success_200) and not accepted(at_243, success_200)
    observed = observe(at_240, success_200)
    assert observed.accepted and outcome_of(observed.to_dict()) == "ok"
    assert Observation.from_dict(observed.to_dict()) == observed


class _Users:
    """The bookkeeping a create reports to: which names the case now owns."""

    def __init__(self):
        self.owned = []

    def before_create(self, name, exact):
        pass

    def after_create(self, name, ok, exact):
        if ok:
            self.owned.append(name)


def test_the_runner_owns_a_name_created_with_code_200_where_the_profile_says_so():
    success_200 = _rest_reply(200, {"code": 200, "data": {}})
    for version, owned in (("2.4.1", ["alice"]), ("2.4.3", [])):
        users = _Users()
        runner = Runner(None, load_profile("milvus-2.4", parse_version(version)), None, users, None)
        reply, ok = runner.raw_create(Channel.REST, "alice", "Aa1!bcdefg", send=lambda: success_200)
        assert (ok, users.owned) == (bool(owned), owned) and runner.succeeded(Surface.REST, reply) is ok


def test_the_parity_view_shows_a_code_200_success_as_accepted():
    rest = Observation(Surface.REST, True, status=200, content_type="application/json", body={"code": 200, "data": {}})
    sdk = Observation(Surface.SDK, True)
    cases = [
        CaseResult(
            f"s:{c}",
            "s",
            ["SURFACE-PARITY"],
            c.surface,
            "users/create",
            Status.PASS,
            observed=o.to_dict(),
            style=c.style,
            scenario="s",
        )
        for c, o in ((Channel.REST, rest), (Channel.SDK_UTILITY, sdk))
    ]
    rows = parity_rows(RunResult("r", Target("u", "g", "milvus-2.4", False), "0", "1", "t0", "t1", [], cases))
    assert [s.accepted for s in rows[0].sides] == [True, True] and not rows[0].disagreement


def _expect_ok():
    return Expectation("ok", Surface.REST, {"status": 200, "code": 0, "content_type": "json"})


def test_a_valid_refusal_where_success_was_expected_blames_no_envelope():
    verdict = judge(_rest_reply(200, {"code": 1100, "message": "invalid"}), _expect_ok(), None)
    assert verdict.status is Status.FAIL and verdict.requirements == []


def test_a_malformed_success_blames_the_success_envelope():
    verdict = judge(_rest_reply(200, {"code": 0, "data": "x"}), _expect_ok(), None)
    assert verdict.status is Status.FAIL and verdict.requirements == ["USER-CREATE-SUCCESS-ENVELOPE"]


def test_a_case_ends_one_way():
    """`CaseRecorder.store_verdict` has one caller in the package and the cases, `end_case` (which
    `Runner.end` uses); nothing else ends a case."""
    from milvus_conformance import REPO_ROOT

    callers = [
        f"{path.relative_to(REPO_ROOT)}:{n}"
        for root in ("milvus_conformance", "tests")
        for path in sorted((REPO_ROOT / root).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".store_verdict(" in line or ".conclude(" in line
    ]
    assert len(callers) == 1 and callers[0].startswith("milvus_conformance/harness/runner.py:"), callers
