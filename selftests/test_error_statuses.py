"""Issue 22, parts 3 and 4: REST errors with standard HTTP statuses (Milvus PR #53092) - one profile
switch derives them, the embedded gateway serves either convention, discover tells them apart - and
a target's rate limit, which is neither a pass nor a fail."""

from __future__ import annotations

import pytest

from milvus_conformance.checks.expectations import expect
from milvus_conformance.clients.rate_limits import Backoff, RateLimited, rest_limit, retry_after
from milvus_conformance.contract.error_statuses import KEY, classified_system_error, convention_of, derive
from milvus_conformance.contract.profiles import available_profiles, load_profile
from milvus_conformance.faults.model import Fault, Resp
from milvus_conformance.results.surfaces import Surface
from milvus_conformance.target.gateway.error_status import error_status


# ---- the switch --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind,status",
    [
        ("invalid_value", 400),
        ("missing_field", 400),
        ("malformed_body", 400),
        ("auth_failed", 401),
        ("permission_denied", 403),
        ("duplicate", None),
        ("bcrypt_error", None),
        ("user_cap", None),
        ("drop_root", None),
    ],
)
def test_the_switch_derives_each_error_status(kind, status):
    standard, envelope = load_profile("embedded-standard-errors"), load_profile("embedded")
    derived = expect(standard, kind, Surface.REST)
    assert derived.spec["status"] == status
    assert derived.spec["code"] == expect(envelope, kind, Surface.REST).spec["code"], "the body is unchanged"
    assert any("#53092" in s and "UNCONFIRMED" in s for s in derived.sources)


@pytest.mark.parametrize("kind", ["ok", "timeout", "unknown_route"])
def test_the_switch_leaves_success_and_router_answers_alone(kind):
    assert (
        expect(load_profile("embedded-standard-errors"), kind, Surface.REST).spec
        == expect(load_profile("embedded"), kind, Surface.REST).spec
    )


@pytest.mark.parametrize("name", available_profiles())
def test_without_the_switch_the_per_outcome_entries_stand(name):
    profile = load_profile(name)
    spec = {"status": 200, "code": 1100, "content_type": "json"}
    if profile[KEY] is not True:
        assert derive(profile, "invalid_value", spec) == (spec, None)
    assert profile.get(KEY).source.strip()


def test_discover_and_system_errors_read_the_convention():
    assert (convention_of(200), convention_of(400), convention_of(500)) == (False, True, None)
    standard, envelope = load_profile("embedded-standard-errors"), load_profile("embedded")
    assert classified_system_error(standard, 500, {"code": 65535, "message": "x"})
    assert not classified_system_error(standard, 500, None)  # a crash: no envelope
    assert not classified_system_error(envelope, 500, {"code": 65535})


@pytest.mark.parametrize(
    "code,standard,status",
    [
        (1100, True, 400),
        (1802, True, 400),
        (1800, True, 401),
        (8, True, 429),
        (9, True, 429),
        (2, True, 503),
        (65535, True, 500),
        (1100, False, 200),
        (65535, False, 200),
    ],
)
def test_gateway_status_by_code(code, standard, status):
    assert error_status(code, standard) == status


def test_gateway_serves_either_convention_for_real(milvus_grpc_address):
    """The same invalid create through a default gateway and a standard one: 200 vs 400, same body."""
    from milvus_conformance.clients.rest import RestClient
    from milvus_conformance.target.gateway import start_gateway

    answers = {}
    for standard in (False, True):
        gateway = start_gateway(milvus_address=milvus_grpc_address, standard_error_status=standard)
        rest = RestClient(gateway.base_url, "root:Milvus")
        try:
            bad = rest.create_user("1starts_with_a_digit", "Aa1!bcdefg")
            unauthenticated = rest.list_users(token="nobody:wrong-password")
            answers[standard] = (bad.status, bad.json, unauthenticated.status)
        finally:
            rest.close()
            gateway.stop()
    assert answers[False][0] == 200 and answers[True][0] == 400
    assert answers[False][1] == answers[True][1] and answers[True][1]["code"] == 1100
    assert answers[False][2] == answers[True][2] == 401


def test_discover_tells_the_conventions_apart_for_real(embedded_endpoints, tmp_path):
    """discover against the standard gateway writes the switch on; its input errors 400."""
    from milvus_conformance.discover.run import discover
    from milvus_conformance.harness.config import from_values
    from milvus_conformance.target.gateway import start_gateway

    gateway = start_gateway(milvus_address=embedded_endpoints.grpc_address, standard_error_status=True)
    try:
        config = from_values(
            {
                "base_url": gateway.base_url,
                "grpc_uri": embedded_endpoints.grpc_uri,
                "token": embedded_endpoints.token,
                "state_dir": str(tmp_path),
            },
            env={},
        )
        found = discover(config, "standard", report=lambda line: None)
    finally:
        gateway.stop()
    assert found.value(KEY) is True
    assert found.value("rest.outcome.invalid_value")["status"] == 400


def test_discover_reads_the_convention_from_an_input_error():
    from milvus_conformance.discover.findings import Findings
    from milvus_conformance.discover.probes_settle import probe_error_statuses

    for status, want in ((200, False), (400, True), (418, None)):
        f = Findings()
        f.found("rest.outcome.invalid_value", {"status": status, "code": 1100, "content_type": "json"}, "t")
        probe_error_statuses(f)
        assert f.value(KEY) is want


# ---- rate limits -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "status,body,named",
    [
        (429, None, "HTTP 429"),
        (429, {"message": "slow down"}, "HTTP 429"),
        (200, {"code": 8, "message": "rate limit exceeded"}, "code 8"),
        (429, {"code": 8}, "HTTP 429, code 8"),
        (200, {"code": 49}, "code 49"),
        (429, {"code": 9, "message": "quota exceeded"}, None),  # a quota outcome (the user cap): judged
        (200, {"code": 1100}, None),
        (400, {"code": 1100}, None),
    ],
)
def test_what_is_a_rate_limit(status, body, named):
    found = rest_limit(status, body)
    assert (found is None) if named is None else found.startswith(named)


def test_backoff_retries_only_what_cannot_have_taken_effect(monkeypatch):
    monkeypatch.setattr("milvus_conformance.clients.rate_limits.time.sleep", lambda s: None)
    with pytest.raises(RateLimited, match=r"POST /x \(HTTP 429\): not retried"):
        Backoff("POST /x", retriable=False).wait_or_raise("HTTP 429")
    backoff = Backoff("POST /list", retriable=True)
    for _ in range(5):
        backoff.wait_or_raise("HTTP 429")
    with pytest.raises(RateLimited, match="kept rate-limiting"):
        backoff.wait_or_raise("HTTP 429")
    assert retry_after({"retry-after": "2"}) == 2.0 and retry_after({"retry-after": "999"}) == 30.0
    assert retry_after({}) is None


def _limiter(every_path: set[str], times: int):
    """A load balancer's limiter in front of the real gateway: 429 for the first `times` requests
    on each of `every_path`."""
    seen: dict[str, int] = {}

    def request(req, ctx):
        if req.path in every_path and seen.get(req.path, 0) < times:
            seen[req.path] = seen.get(req.path, 0) + 1
            return Resp(429, [("Content-Type", "text/plain"), ("Retry-After", "0")], b"Too Many Requests")
        return req

    return Fault("rate-limiter", "USER-CREATE-SEMANTICS", "429 first", request_transform=request), seen


def test_rest_client_backs_off_reads_and_refuses_to_repeat_a_write(embedded_endpoints):
    from milvus_conformance.clients.rest import USERS, RestClient
    from milvus_conformance.faults.proxy import start_fault_proxy

    proxy = start_fault_proxy(embedded_endpoints.base_url, None, embedded_endpoints.token)
    fault, seen = _limiter({f"{USERS}/list", f"{USERS}/create"}, times=2)
    proxy.server.fault = fault
    rest = RestClient(proxy.base_url, embedded_endpoints.token)
    try:
        listed = rest.list_users()
        assert listed.status == 200 and listed.code == 0 and seen[f"{USERS}/list"] == 2
        with pytest.raises(RateLimited, match=r"users/create \(HTTP 429\): not retried, since it may have"):
            rest.create_user("rate_limited_user", "Aa1!bcdefg")
        assert "rate_limited_user" not in rest.user_names()
    finally:
        rest.close()
        proxy.stop()


def test_a_rate_limited_run_is_a_harness_error_naming_the_limit(embedded_endpoints, tmp_path):
    """The suite through a limiter that refuses every create: exit 3, the case an error naming the
    limit - never a conformance failure."""
    from milvus_conformance.clients.rest import USERS
    from milvus_conformance.faults import killrate_runner
    from milvus_conformance.faults.proxy import start_fault_proxy

    proxy = start_fault_proxy(embedded_endpoints.base_url, None, embedded_endpoints.token)
    proxy.server.fault, _ = _limiter({f"{USERS}/create"}, times=10**6)
    try:
        status, results, _ = killrate_runner.run_suite(
            killrate_runner.Endpoints(proxy.base_url, embedded_endpoints.grpc_uri, embedded_endpoints.token),
            tmp_path,
            "embedded",
            nodes=["tests/test_state.py::test_lifecycle[rest]"],
        )
    finally:
        proxy.stop()
    assert status == 3 and results is not None
    (case,) = results["cases"]
    assert case["status"] == "error" and "rate-limited" in case["message"] and "HTTP 429" in case["message"]


# ---- the suite against the standard gateway, for real ------------------------------------------------
REST_FILES = (
    "tests/test_create_password.py",
    "tests/test_rest_malformed.py",
    "tests/test_rest_envelope.py",
    "tests/test_rest_auth.py",
)


@pytest.fixture(scope="module")
def standard_gateway(embedded_endpoints):
    from milvus_conformance.faults import killrate_runner
    from milvus_conformance.target.gateway import start_gateway

    gateway = start_gateway(milvus_address=embedded_endpoints.grpc_address, standard_error_status=True)
    try:
        yield killrate_runner.Endpoints(gateway.base_url, embedded_endpoints.grpc_uri, embedded_endpoints.token)
    finally:
        gateway.stop()


def _rest_nodes(ep, work) -> list[str]:
    from milvus_conformance.faults import killrate_runner

    cites = killrate_runner.collect(ep, "embedded-standard-errors", work)
    return sorted(n for n in cites if n.startswith(REST_FILES) and "sdk" not in n.split("::")[-1])


def test_rest_cases_conform_with_the_switch_and_fail_without_it(standard_gateway, tmp_path):
    from milvus_conformance.faults import killrate_runner

    nodes = _rest_nodes(standard_gateway, tmp_path)
    assert len(nodes) > 20
    status, results, _ = killrate_runner.run_suite(
        standard_gateway, tmp_path / "switch", "embedded-standard-errors", nodes=nodes
    )
    bad = [
        (c["case_id"], c["message"][:200])
        for c in (results or {}).get("cases", [])
        if c["status"] in ("fail", "unexpected_pass", "error")
    ]
    assert status == 0 and not bad, bad[:5]
    status, results, _ = killrate_runner.run_suite(standard_gateway, tmp_path / "envelope", "embedded", nodes=nodes)
    failed = [c for c in results["cases"] if c["status"] == "fail"]
    assert status == 1 and failed
    assert any("HTTP status 400, expected 200" in c["message"] for c in failed)
