"""REST envelopes (S000 'Response Body' / 'Error Response'; CF sections 1 and 3): the create's success
envelope exactly as documented, JSON answers' Content-Type, and the envelopes of the sibling routes a
create test relies on (list, describe, drop, update_password)."""

import pytest

from milvus_conformance.checks.envelopes import judge_schema
from milvus_conformance.checks.verdict import combine, failed, judge, passed
from milvus_conformance.harness.protected import KEY as PROTECTED_KEY
from milvus_conformance.results.surfaces import Channel
from tests.support import OTHER_PASSWORD, PASSWORD, rest_authenticates

pytestmark = pytest.mark.surface("rest")


def _exactly_documented(reply):
    """S000 'Response Body' and its example: the success body is {"code": <int>, "data": {}} and
    nothing else."""
    body = reply.json
    if not isinstance(body, dict):
        return failed(f"body is not a JSON object: {reply.text[:120]!r}")
    extra = sorted(set(body) - {"code", "data"})
    if extra:
        return failed(f"success envelope has undocumented fields {extra}")
    if body.get("data") != {}:
        return failed(f"success data is {body.get('data')!r}, documented as {{}}")
    return passed("exactly {code, data: {}}")


def _created(runner, users, password=PASSWORD) -> str:
    name = users.name()
    reply, ok = runner.raw_create(Channel.REST, name, password)
    assert ok, f"setup: creating {name!r} failed: HTTP {reply.status} code {reply.code!r}"
    return name


@pytest.mark.requirement("USER-CREATE-SUCCESS-ENVELOPE", "USER-CREATE-CONTENT-TYPE", "USER-CREATE-ROUTE")
def test_create_success_envelope_exactly_as_documented(runner, users, record):
    outcome = runner.attempt(Channel.REST, users.name(), PASSWORD)
    active, _ = runner.expectations(Channel.REST, "ok", "ok")
    runner.end(combine(outcome.verdict, _exactly_documented(outcome.reply)), active, outcome.reply)


@pytest.mark.requirement("USER-CREATE-ERROR-ENVELOPE", "USER-CREATE-CONTENT-TYPE")
def test_create_error_envelope_is_json(runner, users):
    """A refused create (a name starting with a digit: refused by every profile) answers the error
    envelope with Content-Type application/json."""
    runner.create(Channel.REST, "9" + users.name(), PASSWORD)


@pytest.mark.operation("users/list")
@pytest.mark.requirement("USER-LIST-ENVELOPE")
def test_list_envelope(runner, users, rest, record):
    name = _created(runner, users)
    active, docs = runner.expectations(Channel.REST, "ok", "ok")
    reply = rest.list_users()
    verdict = judge_schema(reply, active, docs, "ListUsersSuccess")
    data = reply.json.get("data") if isinstance(reply.json, dict) else None
    listed = (
        passed("the new user is listed")
        if isinstance(data, list) and name in data
        else failed(f"{name!r} is not in users/list data")
    )
    runner.end(combine(verdict, listed), active, reply)


@pytest.mark.operation("users/describe")
@pytest.mark.requirement("USER-DESCRIBE-ENVELOPE")
def test_describe_envelope(runner, users, rest, record):
    name = _created(runner, users)
    active, docs = runner.expectations(Channel.REST, "ok", "ok")
    reply = rest.describe_user(name)
    runner.end(judge_schema(reply, active, docs, "DescribeUserSuccess"), active, reply)


@pytest.mark.operation("users/drop")
@pytest.mark.requirement("USER-DROP-ENVELOPE", "USER-DROP-SEMANTICS")
def test_drop_envelope(runner, users, rest, record):
    name = _created(runner, users)
    active, docs = runner.expectations(Channel.REST, "ok", "ok")
    reply = rest.drop_user(name)
    verdict = judge(reply, active, docs)
    if name in rest.user_names():
        verdict = combine(verdict, failed(f"{name!r} is still listed after users/drop"))
    else:
        users.dropped(name)
    runner.end(verdict, active, reply)


@pytest.mark.operation("users/drop")
@pytest.mark.requirement("USER-DROP-ENVELOPE")
def test_drop_unknown_user_succeeds(runner, users, rest, record):
    """CF section 3: drop is idempotent. The name is fresh (this run's prefix): nobody has it."""
    name = users.name()
    active, docs = runner.expectations(Channel.REST, "ok", "ok")
    reply = rest.drop_user(name)
    runner.end(judge(reply, active, docs), active, reply)


@pytest.mark.serial  # a target that drops its admin would fail every case beside it
@pytest.mark.operation("users/drop")
@pytest.mark.requirement("USER-DROP-ENVELOPE")
def test_drop_root_is_refused(runner, rest, record, profile):
    """The protected admin of the profile (users.protected: root for Milvus, db_admin for Zilliz
    Cloud) cannot be dropped. Runs only where the profile names it and covers the drop_root outcome
    (a refusal). If the target answers success, the admin may be gone: that is a failure and
    nothing else can be done about it."""
    protected = profile.get(PROTECTED_KEY)
    if not protected.covered:
        pytest.skip(f"the profile does not name the protected admin: {protected.cite()}")
    active, docs = runner.expectations(Channel.REST, "drop_root", "drop_root")
    listed = rest.user_names()
    admin = next((name for name in protected.value if name in listed), None)
    if admin is None:
        pytest.skip(f"none of the profile's protected admins {protected.value} is listed on the target")
    reply = rest.drop_user(admin)
    verdict = judge(reply, active, docs)
    try:
        still = admin in rest.user_names()
    except Exception as exc:  # the suite's own token may have been the admin's
        still, verdict = False, combine(verdict, failed(f"listing users failed after the drop: {exc}"))
    if not still:
        verdict = combine(
            verdict,
            failed(f"{admin!r} is no longer listed: the target dropped its protected admin ({protected.cite()})"),
        )
    runner.end(verdict, active, reply)


@pytest.mark.operation("users/update_password")
@pytest.mark.requirement("USER-UPDATE-PASSWORD-ENVELOPE")
def test_update_password_envelope_and_effect(runner, users, rest, record):
    name = _created(runner, users)
    active, docs = runner.expectations(Channel.REST, "ok", "ok")
    reply = rest.update_password(name, PASSWORD, OTHER_PASSWORD)
    verdict = combine(
        judge(reply, active, docs),
        rest_authenticates(runner, rest, name, OTHER_PASSWORD, should=True, settle=True),
        rest_authenticates(runner, rest, name, PASSWORD, should=False, settle=True),
    )
    runner.end(verdict, active, reply)
