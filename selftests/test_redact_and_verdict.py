"""Secrets never reach reports; verdicts tell pass, known deviation, unexpected pass and fail apart."""

import json

from milvus_conformance.checks.expectations import expect
from milvus_conformance.checks.verdict import judge
from milvus_conformance.clients.rest import RestReply
from milvus_conformance.contract.profiles import documented, load_profile
from milvus_conformance.redact import Redactor
from milvus_conformance.results.model import Status


def test_redacts_tokens_passwords_and_their_base64():
    r = Redactor()
    r.add_credentials("bob", "s3cret-pass")
    text = r.redact_text("token bob:s3cret-pass and Basic Ym9iOnMzY3JldC1wYXNz, pw s3cret-pass")
    assert "s3cret" not in text and "Ym9iOnMzY3JldC1wYXNz" not in text
    body = r.redact_json({"userName": "bob", "password": "anything", "newPassword": "x"})
    assert body["userName"] == "bob" and "anything" not in json.dumps(body)
    assert r.redact_headers({"Authorization": "Bearer root:Milvus"}) == {"Authorization": "Bearer ***"}


def reply(status, body, ctype="application/json; charset=utf-8"):
    text = body if isinstance(body, str) else json.dumps(body)
    return RestReply(status, {"content-type": ctype}, text, None)


EMB, DOC = load_profile("embedded"), documented()


def test_pass_when_as_profile_and_docs_say():
    v = judge(reply(200, {"code": 0, "data": {}}), expect(EMB, "ok", "rest"), expect(DOC, "ok", "rest"))
    assert v.status is Status.PASS


def test_known_deviation_when_as_profile_but_not_as_docs():
    v = judge(
        reply(200, {"code": 0, "data": {}}),
        expect(EMB, "ok", "rest", ["password.min_classes=0"]),
        expect(DOC, "invalid_value", "rest"),
    )
    assert v.status is Status.KNOWN_DEVIATION and "min_classes" in v.deviation_source


def test_unexpected_pass_when_as_docs_but_not_as_profile():
    v = judge(
        reply(200, {"code": 1100, "message": "x"}), expect(EMB, "ok", "rest"), expect(DOC, "invalid_value", "rest")
    )
    assert v.status is Status.UNEXPECTED_PASS


def test_fail_on_each_broken_envelope():
    ok = expect(EMB, "ok", "rest")
    for broken in ({"code": "0", "data": {}}, {"code": 0}, {"code": 0, "data": []}, "not json"):
        assert judge(reply(200, broken), ok, None).status is Status.FAIL, broken
    err = expect(EMB, "invalid_value", "rest")
    for broken in ({"code": 1100}, {"code": 65535, "message": "x"}, {"code": 1100, "message": 3}):
        assert judge(reply(200, broken), err, None).status is Status.FAIL, broken
    assert judge(reply(200, {"code": 1100, "message": "x"}, "text/plain"), err, None).status is Status.FAIL
    assert judge(reply(401, {"code": 1800, "message": "x"}), err, None).status is Status.FAIL


def test_a_broken_envelope_names_the_envelope_requirement():
    v = judge(reply(200, {"code": "0", "data": {}}), expect(EMB, "ok", "rest"), None)
    assert v.status is Status.FAIL and v.requirements == ["USER-CREATE-SUCCESS-ENVELOPE"]
    v = judge(reply(200, {"code": 1100, "message": "x"}, "text/plain"), expect(EMB, "invalid_value", "rest"), None)
    assert "USER-CREATE-CONTENT-TYPE" in v.requirements
    v = judge(reply(200, {"code": 65535, "message": "x"}), expect(EMB, "invalid_value", "rest"), None)
    assert v.requirements == [], "a wrong code is the case's own requirement"
