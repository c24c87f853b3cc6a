"""Unit tests of the generated-case checks (milvus_conformance/fuzz) against synthetic responses: no
server. Each builds the request the way schemathesis would have sent it and the answer a server gave."""

from __future__ import annotations

import json
import re

import pytest
import requests
import schemathesis

from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.contract.requirements import load_requirements
from milvus_conformance.contract.versions import parse_version
from milvus_conformance.fuzz import checks, hygiene
from milvus_conformance.fuzz.checks import CheckSettings, GeneratedChecks
from milvus_conformance.fuzz.failures import GeneratedFailure
from milvus_conformance.fuzz.schema import FuzzSettings, load_schema
from milvus_conformance.redact import REDACTOR

TOKEN = "root:Sup3r-Secret"
ADMIN = f"Bearer {TOKEN}"
BASE = "http://target.invalid"
OK = {"code": 0, "data": {}}
SCHEMA = load_schema(
    load_profile("embedded"), FuzzSettings("gate", 1), phases=("coverage",), base_url=BASE, request_timeout=5
)


def judged_by(profile="embedded", auth_enabled=True, facts=None) -> GeneratedChecks:
    """The checks of a run against `profile` (a name or a `Profile`), with the facts hygiene observed
    (case id -> Facts)."""
    profile = load_profile(profile) if isinstance(profile, str) else profile
    return GeneratedChecks(CheckSettings.of(profile, ADMIN, auth_enabled), facts or {})


def exchange(
    operation_id,
    body=None,
    answer=OK,
    status=200,
    *,
    raw=None,
    auth=ADMIN,
    method="POST",
    headers=None,
    content_type="application/json; charset=utf-8",
    schema=SCHEMA,
):
    operation = schema.find_operation_by_id(operation_id)
    case = operation.Case(body=body) if isinstance(body, dict) else operation.Case()
    sent = {"Content-Type": "application/json", **(headers or {})}
    if auth is not None:
        sent["Authorization"] = auth
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    request = requests.Request(method, BASE + operation.path, headers=sent, data=data).prepare()
    content = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
    response = schemathesis.Response(
        status_code=status,
        headers={"content-type": [content_type]},
        content=content,
        request=request,
        elapsed=0.01,
        verify=True,
    )
    return case, response


def failures(case, response, judge: GeneratedChecks | None = None) -> list[GeneratedFailure]:
    found = []
    for check in (judge or judged_by()).all:
        try:
            check(None, response, case)
        except GeneratedFailure as exc:
            found.append(exc)
    return found


def problems(case, response, judge: GeneratedChecks | None = None) -> list[str]:
    found = [str(f) for f in failures(case, response, judge)]
    for text in found:
        assert TOKEN not in text and "Sup3r" not in text, "the token leaked into a failure message"
    return found


def only(found: list[str], *ids: str) -> str:
    assert len(found) == 1, found
    for rid in ids:
        assert rid in found[0], found[0]
    return found[0]


# ---- users/create: outcomes predicted by rules.predict_create under the profile -----------------------
def test_valid_create_accepted_passes():
    assert problems(*exchange("createUser", {"userName": "fuzzA", "password": "secret1"})) == []


def test_valid_create_refused_fails_with_requirement_and_reproduction():
    text = only(
        problems(
            *exchange("createUser", {"userName": "fuzzA", "password": "secret1"}, {"code": 1100, "message": "invalid"})
        ),
        "USER-CREATE-ROUTE",
    )
    assert "predicted ok" in text
    assert "curl -sS -X POST http://target.invalid/v2/vectordb/users/create" in text
    assert '--oauth2-bearer "$TOKEN"' in text and '"userName": "fuzzA"' in text


def test_a_failure_is_data_requirements_request_response_reproduction():
    (failure,) = failures(
        *exchange("createUser", {"userName": "fuzzA", "password": "secret1"}, {"code": 1100, "message": "invalid"})
    )
    finding = failure.finding
    assert finding.requirements == (
        "USER-CREATE-ROUTE",
        "USER-CREATE-NAME-CHARSET",
        "USER-CREATE-PASSWORD-LENGTH",
        "USER-CREATE-SUCCESS-ENVELOPE",
    )
    assert finding.request["method"] == "POST" and finding.request["url"].endswith("/users/create")
    assert finding.request["headers"]["Authorization"] == "Bearer $TOKEN"
    assert "secret1" not in json.dumps(finding.request)  # passwords stay out of reports
    assert finding.response == {
        "status": 200,
        "content_type": "application/json; charset=utf-8",
        "body": '{"code": 1100, "message": "invalid"}',
    }
    assert finding.reproduction.startswith("curl -sS -X POST") and str(failure) == finding.text()
    exchange_ = finding.exchange("users/create", REDACTOR)
    assert exchange_.operation == "users/create" and exchange_.reproduction == finding.reproduction


class _Record:
    """What FuzzTarget.judge writes to: the case's recorder."""

    def __init__(self, requirements):
        self.requirements, self.operation, self.exchanges, self.generation = requirements, "users/create", [], None

    def add_exchange(self, exchange):
        self.exchanges.append(exchange)


def test_the_case_cites_the_requirements_its_failures_carry():
    from collections import Counter

    from schemathesis.core.failures import CustomFailure

    from milvus_conformance.fuzz import FuzzTarget

    (raised,) = failures(
        *exchange("createUser", {"userName": "fuzzA", "password": "secret1"}, {"code": 1100, "message": "invalid"})
    )
    failure = CustomFailure(
        operation="POST /users/create",
        title="Custom check failed: `create_outcome`",
        message=str(raised),
        exception=raised,
    )
    target = FuzzTarget.__new__(FuzzTarget)  # no target needed to judge
    target.settings, target.checks = FuzzSettings("gate", 7), judged_by()
    record = _Record(["USER-CREATE-ROUTE", "USER-CREATE-DUPLICATE", "USER-CREATE-NAME-CHARSET"])
    judged = target.judge(record, "createUser", Counter(coverage=3, examples=1), [(failure, False)])
    assert judged.verdict.status.value == "fail"
    assert record.requirements == ["USER-CREATE-NAME-CHARSET", "USER-CREATE-ROUTE"]
    assert [x.operation for x in record.exchanges] == ["users/create"]
    assert record.generation.summary() == "createUser: 4 generated cases (coverage 3, examples 1); tier gate, seed 7"


def test_password_one_byte_too_long_must_be_refused():
    body = {"userName": "fuzzA", "password": "0" * 73}
    assert problems(*exchange("createUser", body, {"code": 65535, "message": "bcrypt"})) == []
    text = only(problems(*exchange("createUser", body, OK)), "USER-CREATE-PASSWORD-LENGTH")
    assert "predicted bcrypt_error" in text and "73 bytes is over 72" in text
    assert problems(*exchange("createUser", {"userName": "fuzzA", "password": "0" * 72}, OK)) == []


@pytest.mark.parametrize(
    "raw, kind, rid",
    [
        (b"", "malformed_body", "USER-CREATE-MALFORMED-BODY"),
        (b'{"userName": "fuzzA", ', "malformed_body", "USER-CREATE-MALFORMED-BODY"),
        (b'{"userName": "fuzzA", "password": NaN}', "malformed_body", "USER-CREATE-MALFORMED-BODY"),
        (b"[1, 2]", "malformed_body", "USER-CREATE-MALFORMED-BODY"),
        (b"null", "missing_field", "USER-CREATE-BODY-FIELDS"),
        (b'{"userName": 1}', "malformed_body", "USER-CREATE-MALFORMED-BODY"),  # wrong type beats missing
        (b'{"userName": "fuzzA", "password": null}', "missing_field", "USER-CREATE-BODY-FIELDS"),
        (b'{"userName": "", "password": "secret1"}', "missing_field", "USER-CREATE-BODY-FIELDS"),
        (b'{"userName": "1bad", "password": "secret1"}', "invalid_value", "USER-CREATE-NAME-FIRST-CHAR"),
        (b'{"userName": "a-b", "password": "secret1"}', "invalid_value", "USER-CREATE-NAME-CHARSET"),
        (b'{"userName": "' + b"a" * 33 + b'", "password": "secret1"}', "invalid_value", "USER-CREATE-NAME-LENGTH"),
    ],
)
def test_invalid_bodies_must_not_get_the_success_code(raw, kind, rid):
    case, refused = exchange("createUser", raw=raw, answer={"code": 1801, "message": "refused"})
    assert problems(case, refused) == []
    text = only(problems(*exchange("createUser", raw=raw, answer=OK)), rid)
    assert f"predicted {kind}" in text


def test_case_insensitive_keys_follow_the_profile():
    body = {"USERNAME": "fuzzA", "Password": "secret1"}
    assert problems(*exchange("createUser", body, OK)) == []  # embedded: Go encoding/json
    assert (
        problems(*exchange("createUser", body, {"code": 1802, "message": "missing"}), judged_by("milvus-2.4")) == []
    )  # not covered: no verdict


def test_later_null_does_not_unset_a_field():
    raw = b'{"userName": "fuzzA", "username": null, "password": "secret1"}'
    assert problems(*exchange("createUser", raw=raw, answer=OK)) == []


def test_name_python_and_go_trim_differently_is_not_judged():
    assert problems(*exchange("createUser", {"userName": "\x1cabc", "password": "secret1"}, OK)) == []


@pytest.mark.parametrize(
    "value, answer, status, judged",
    [
        ("0", {"code": 10001, "message": "request timeout"}, 408, False),  # embedded: 0 -> timeout
        ("0", OK, 200, True),
        ("-5", OK, 200, False),  # UNCONFIRMED: not judged
        ("abc", {"code": 1100, "message": "x"}, 200, True),  # unparsable: ignored -> ok
        ("2", {"code": 10001, "message": "request timeout"}, 408, False),  # a short deadline may expire
    ],
)
def test_request_timeout(value, answer, status, judged):
    found = problems(
        *exchange(
            "createUser",
            {"userName": "fuzzA", "password": "secret1"},
            answer,
            status,
            headers={"Request-Timeout": value},
        )
    )
    assert bool(found) is judged, found
    if judged:
        assert "USER-CREATE-REQUEST-TIMEOUT" in found[0]


def test_wrong_method_is_judged_and_options_is_not():
    body = {"userName": "fuzzA", "password": "secret1"}
    answer = b"404 page not found"
    assert problems(*exchange("createUser", body, answer, 404, method="PUT", content_type="text/plain")) == []
    only(problems(*exchange("createUser", body, OK, 200, method="PUT")), "USER-CREATE-UNKNOWN-ROUTE")
    assert problems(*exchange("createUser", body, b"", 204, method="OPTIONS", content_type="")) == []


def test_duplicate_of_a_user_we_own():
    case, response = exchange(
        "createUser",
        {"userName": "fuzzA", "password": "secret1"},
        {"code": 65535, "message": "user already exists: fuzzA"},
    )
    ours = hygiene.Facts(frozenset({"root", "fuzzA"}), frozenset())
    assert problems(case, response, judged_by(facts={case.id: ours})) == []
    case, response = exchange("createUser", {"userName": "fuzzA", "password": "secret1"}, OK)
    found = problems(case, response, judged_by(facts={case.id: ours}))
    assert any("USER-CREATE-DUPLICATE" in p for p in found)


def test_user_cap_of_a_shared_server_is_no_verdict():
    answer = {"code": 65535, "message": "the number of users has reached the limit"}
    assert problems(*exchange("createUser", {"userName": "fuzzA", "password": "secret1"}, answer)) == []


# ---- state around the request (facts from hygiene) ------------------------------------------------
def test_refused_create_that_created_the_user_fails():
    case, response = exchange(
        "createUser", {"userName": "1bad", "password": "secret1"}, {"code": 1100, "message": "invalid"}
    )
    facts = {case.id: hygiene.Facts(frozenset({"root"}), frozenset({"1bad"}))}
    only(problems(case, response, judged_by(facts=facts)), "USER-CREATE-SEMANTICS")


def test_success_without_the_user_listed_fails():
    case, response = exchange("createUser", {"userName": "fuzzA", "password": "secret1"}, OK)
    facts = {case.id: hygiene.Facts(frozenset({"root"}), frozenset())}
    only(problems(case, response, judged_by(facts=facts)), "USER-CREATE-SEMANTICS")


def test_use_after_drop(monkeypatch):
    monkeypatch.setattr(checks, "list_users", lambda request, tls: ["root", "fuzzA"])
    only(problems(*exchange("dropUser", {"userName": "fuzzA"}, OK)), "USER-DROP-SEMANTICS")
    monkeypatch.setattr(checks, "list_users", lambda request, tls: ["root"])
    assert problems(*exchange("dropUser", {"userName": "fuzzA"}, OK)) == []


# ---- a success is what checks.observation.accepted says: code 200 in Milvus 2.4.0-2.4.2 -------------
AT_241 = load_profile("milvus-2.4", parse_version("2.4.1"))  # rest.success_code 200
SCHEMA_241 = load_schema(AT_241, FuzzSettings("gate", 1), phases=("coverage",), base_url=BASE, request_timeout=5)
OK_200 = {"code": 200, "data": {}}


def test_a_code_200_success_is_a_success_where_the_profile_says_so():
    body = {"userName": "fuzzA", "password": "secret1"}
    case, response = exchange("createUser", body, OK_200, schema=SCHEMA_241)
    listed = {case.id: hygiene.Facts(frozenset({"root"}), frozenset({"fuzzA"}))}
    assert problems(case, response, judged_by(AT_241, facts=listed)) == []  # create_outcome, create_state
    not_listed = {case.id: hygiene.Facts(frozenset({"root"}), frozenset())}
    text = only(problems(case, response, judged_by(AT_241, facts=not_listed)), "USER-CREATE-SEMANTICS")
    assert "answered success" in text  # create_state counted the code-200 answer as a success
    # the same answer under a code-0 profile is no success: a refusal that created the user
    assert any("refused but created" in p for p in problems(case, response, judged_by(facts=listed)))


def test_a_code_200_success_without_credentials_is_caught_where_the_profile_says_so():
    answer = {"code": 200, "data": ["root"]}
    case, response = exchange("listUsers", {}, answer, auth=None, schema=SCHEMA_241)
    only(problems(case, response, judged_by(AT_241)), "USER-CREATE-AUTH-REQUIRED")


def test_use_after_drop_follows_a_code_200_success(monkeypatch):
    monkeypatch.setattr(checks, "list_users", lambda request, tls: ["root", "fuzzA"])
    case, response = exchange("dropUser", {"userName": "fuzzA"}, OK_200, schema=SCHEMA_241)
    only(problems(case, response, judged_by(AT_241)), "USER-DROP-SEMANTICS")


# ---- authentication ------------------------------------------------------------------------------
@pytest.mark.parametrize("auth", [None, "Bearer ", "Bearer root:wrong", "Basic eA=="])
def test_no_success_without_valid_credentials(auth):
    refused = {"code": 1800, "message": "user hasn't authenticated"}
    assert problems(*exchange("listUsers", {}, refused, 401, auth=auth)) == []
    text = only(
        problems(*exchange("listUsers", {}, {"code": 0, "data": ["root"]}, auth=auth)), "USER-CREATE-AUTH-REQUIRED"
    )
    assert ("missing" in text) if auth is None else ("mangled" in text)


def test_auth_check_off_when_the_target_has_authorization_disabled():
    assert (
        problems(*exchange("listUsers", {}, {"code": 0, "data": ["root"]}, auth=None), judged_by(auth_enabled=False))
        == []
    )


# ---- envelopes and server errors --------------------------------------------------------------------
@pytest.mark.parametrize(
    "operation_id, answer, status, content_type, rid",
    [
        ("createUser", {"code": 0}, 200, "application/json", "USER-CREATE-SUCCESS-ENVELOPE"),
        ("listUsers", {"code": 0, "data": {}}, 200, "application/json", "USER-LIST-ENVELOPE"),
        ("describeUser", {"code": 5}, 200, "application/json", "USER-DESCRIBE-ENVELOPE"),
        ("dropUser", b"oops", 200, "text/plain", "USER-CREATE-CONTENT-TYPE"),
        ("dropUser", b"{not json", 200, "application/json", "USER-DROP-ENVELOPE"),
        ("updatePassword", {"code": 500}, 500, "application/json", "USER-UPDATE-PASSWORD-ENVELOPE"),
    ],
)
def test_envelope_and_server_errors(operation_id, answer, status, content_type, rid):
    body = {"userName": "fuzzA", "password": "x", "newPassword": "secret12"}
    found = problems(*exchange(operation_id, body, answer, status, content_type=content_type))
    assert any(rid in p for p in found), found


@pytest.mark.parametrize(
    "operation_id, answer, status, content_type",
    [
        ("listUsers", {"code": 0, "data": ["root"]}, 200, "application/json"),
        ("describeUser", {"code": 0, "data": []}, 200, "application/json"),
        ("dropUser", {"code": 1401, "message": "root user cannot be deleted"}, 200, "application/json"),
        ("dropUser", b"404 page not found", 404, "text/plain"),
        ("createUser", b"timeout", 408, "text/plain"),
    ],
)
def test_contract_answers_pass(operation_id, answer, status, content_type):
    assert (
        problems(
            *exchange(
                operation_id,
                {"userName": "root"},
                answer,
                status,
                content_type=content_type,
                headers={"Request-Timeout": "-1"},
            )
        )
        == []
    )


def test_every_cited_requirement_exists():
    import inspect

    source = inspect.getsource(checks)
    cited = set(re.findall(r'"(USER-[A-Z-]*[A-Z])"', source))
    assert set(checks.BY_KEY.values()) | set(checks.BY_KIND.values()) <= cited
    assert cited and cited <= set(load_requirements()), cited - set(load_requirements())
    assert not re.search(r'\+ "[A-Z-]+"', source), "requirement IDs are written in full (grep finds them)"
