"""Settling (issue 22): every login check polls up to the profile's `users.settle_s`, never longer,
and records how long it took; a real slow-settling target (the fault proxies' credential cache that
lags 0.6-1.0 s) passes under a bound that covers it and fails, citing the time, under one that
does not."""

from __future__ import annotations

import json

import pytest

from milvus_conformance.checks.settle import DEFAULT_BOUND_S, Bound, bound_of, late, poll
from milvus_conformance.contract.profiles import available_profiles, load_profile
from milvus_conformance.faults import settle_faults
from milvus_conformance.faults.settle_faults import ACCEPT, AS_IS, GONE, REFUSE, StaleCache
from milvus_conformance.results.settle import SettleSample, SettleSummary


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _answers(clock: FakeClock, flips_at: float, before: bool):
    """An attempt that answers `before` until `flips_at`, then the opposite; each takes 10 ms."""

    def attempt() -> bool:
        seen = clock.now
        clock.now += 0.01
        return before if seen < flips_at else not before

    return attempt


@pytest.mark.parametrize("should", [True, False])
def test_a_check_settles_once_the_answer_flips(should):
    clock = FakeClock()
    polled = poll(
        _answers(clock, 0.3, not should), should, Bound(1.0, "test"), "rest", "u", clock=clock, sleep=clock.sleep
    )
    assert polled.accepted is should and polled.sample.settled
    assert 0.3 <= polled.sample.seconds < 0.4 and polled.sample.attempts > 1
    assert late(polled.sample, Bound(1.0, "test")) is None
    assert polled.sample.window is (not should)  # a refusal let in first: the old-password window


def test_an_immediate_answer_is_zero_seconds_and_one_attempt():
    clock = FakeClock()
    polled = poll(lambda: True, True, Bound(1.0, "test"), "sdk", "u", clock=clock, sleep=clock.sleep)
    assert (polled.sample.seconds, polled.sample.attempts, polled.sample.window) == (0.0, 1, False)


def test_never_longer_than_the_bound_and_the_failure_cites_the_time():
    clock = FakeClock()
    bound = Bound(0.5, "users.settle_s=0.5 (test)")
    polled = poll(_answers(clock, 9.0, False), True, bound, "rest", "alice", clock=clock, sleep=clock.sleep)
    assert not polled.sample.settled and not polled.accepted
    assert 0.5 <= clock.now < 0.5 + 0.05 + 0.02, "polled past the bound"
    verdict = late(polled.sample, bound)
    assert verdict is not None and verdict.status.value == "fail"
    assert "'alice' still could not log in" in verdict.message
    assert f"{polled.sample.seconds:.3f} s" in verdict.message and "users.settle_s=0.5" in verdict.message


def test_a_zero_bound_is_one_attempt():
    clock = FakeClock()
    polled = poll(_answers(clock, 9.0, False), True, Bound(0.0, "one"), "rest", "u", clock=clock, sleep=clock.sleep)
    assert polled.sample.attempts == 1 and not polled.sample.settled


@pytest.mark.parametrize("name", available_profiles())
def test_every_profile_states_a_settle_bound_with_its_source(name):
    value = load_profile(name).get("users.settle_s")
    assert value.value is None or float(value.value) > 0, name
    assert value.source.strip()
    if name.startswith("milvus-") or name in ("documented", "zilliz-cloud"):
        assert "UNCONFIRMED" in value.source, name
        assert bound_of(load_profile(name)).seconds >= DEFAULT_BOUND_S, name  # null: the default


def test_a_null_bound_is_the_conservative_default():
    from types import SimpleNamespace

    from milvus_conformance.contract.profiles import Value

    stub = SimpleNamespace(name="mine", get=lambda key: Value(key, None, "not observed", "mine"))
    bound = bound_of(stub)
    assert bound.seconds == DEFAULT_BOUND_S and "conservative default" in bound.cite()


def test_summary_counts_median_max_per_surface_and_findings():
    samples = [SettleSample("rest", "accept", s, 1 if s == 0 else 3, True, 2.0, "a", "c1") for s in (0.0, 0.2, 0.9)]
    samples += [
        SettleSample("sdk", "refuse", 0.4, 5, True, 2.0, "b", "c2"),
        SettleSample("sdk", "refuse", 2.01, 40, False, 2.0, "c", "c3"),
    ]
    summary = SettleSummary.from_dict(json.loads(json.dumps(SettleSummary(2.0, "src", samples).to_dict())))
    rows = {(r["surface"], r["expect"]): r for r in summary.stats()}
    assert rows["rest", "accept"] == {
        "surface": "rest",
        "expect": "accept",
        "count": 3,
        "median_s": 0.2,
        "max_s": 0.9,
        "not_settled": 0,
    }
    assert rows["sdk", "refuse"]["not_settled"] == 1 and rows["sdk", "refuse"]["max_s"] == 0.4
    assert len(summary.findings()) == 1 and "'b' was still let in 0.400 s" in summary.findings()[0]
    assert any("1 beyond the bound" in line for line in summary.lines())


# ---- the slow credential cache of the fault proxies -------------------------------------------------
def test_stale_cache_answers_as_before_the_change_for_its_lag(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(settle_faults.time, "monotonic", lambda: now[0])
    cache = StaleCache()
    cache.changed("u", "pw1")  # create
    assert cache.answer("u", "pw1") == REFUSE  # a new user cannot log in yet
    now[0] += settle_faults.lag_of("u") + 0.001
    assert cache.answer("u", "pw1") == AS_IS
    cache.changed("u", "pw2")  # update_password
    assert (cache.answer("u", "pw1"), cache.answer("u", "pw2")) == (ACCEPT, REFUSE)
    now[0] += 5
    cache.changed("u", GONE)  # drop
    assert (cache.answer("u", "pw2"), cache.answer("u", "x")) == (ACCEPT, REFUSE)
    assert cache.answer("other", "pw") == AS_IS
    assert all(0.6 <= settle_faults.lag_of(n) <= 1.0 for n in ("a", "bb", "ccc", "u"))


# ---- against the real embedded target, through both proxies ----------------------------------------
NODES = [
    "tests/test_state.py::test_lifecycle[rest]",
    "tests/test_state.py::test_lifecycle[sdk-client]",
    "tests/test_sdk_siblings.py::test_sdk_update_password_changes_the_password[utility]",
    "tests/test_rest_envelope.py::test_update_password_envelope_and_effect",
    "tests/test_rest_auth.py::test_rest_create_without_privilege",
    "tests/test_rest_auth.py::test_sdk_create_without_privilege[client]",
]


def _through_slow_caches(embedded_endpoints, tmp_path, profile: str):
    from milvus_conformance.faults import killrate_runner
    from milvus_conformance.faults.grpc_proxy import start_grpc_fault_proxy
    from milvus_conformance.faults.proxy import start_fault_proxy

    ep = embedded_endpoints
    rest = start_fault_proxy(ep.base_url, "slow-credential-cache", ep.token, "embedded")
    grpc = start_grpc_fault_proxy(ep.grpc_uri, "sdk-slow-credential-cache", ep.token, "embedded")
    try:
        return killrate_runner.run_suite(
            killrate_runner.Endpoints(rest.base_url, grpc.uri, ep.token), tmp_path, profile, nodes=NODES
        )
    finally:
        rest.stop()
        grpc.stop()
        killrate_runner.cleanup(
            rest.created | grpc.created, killrate_runner.Endpoints(ep.base_url, ep.grpc_uri, ep.token)
        )


def test_a_slow_settling_target_passes_under_a_bound_that_covers_it(embedded_endpoints, tmp_path):
    covering = tmp_path / "covering.yaml"
    covering.write_text(
        "name: covering\nextends: embedded\nvalues:\n  users.settle_s: {value: 2.0, "
        'source: "selftest: covers the proxies\' 0.6-1.0 s"}\n'
    )
    status, results, _ = _through_slow_caches(embedded_endpoints, tmp_path / "run", str(covering))
    assert results is not None
    bad = [
        (c["case_id"], c["message"][:300]) for c in results["cases"] if c["status"] not in ("pass", "known_deviation")
    ]
    assert status == 0 and not bad, bad
    settle = results["settle"]
    assert settle["bound_s"] == 2.0 and len(settle["samples"]) >= 10
    slow = [s for s in settle["samples"] if s["expect"] == "accept" and s["seconds"] > 0.5]
    assert slow, "the proxies' lag was not observed"
    assert all(s["settled"] and s["seconds"] <= 2.0 for s in settle["samples"])
    assert {r["surface"] for r in settle["stats"]} == {"rest", "sdk"}


def test_a_slow_settling_target_fails_citing_the_time_under_a_short_bound(embedded_endpoints, tmp_path):
    status, results, _ = _through_slow_caches(embedded_endpoints, tmp_path / "run", "embedded")
    assert status == 1 and results is not None
    failed = [c for c in results["cases"] if c["status"] == "fail"]
    assert failed
    for case in failed:
        assert "longer than the target's settle bound" in case["message"], case["message"][:400]
        assert "users.settle_s=0.5" in case["message"]
    assert any(not s["settled"] and s["seconds"] >= 0.5 for s in results["settle"]["samples"])
