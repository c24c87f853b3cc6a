"""Unit tests of the fault catalogue, without a Milvus server: the catalogue as data (every fault
names one known requirement in full, every requirement but the ones said why has a fault), and each
REST transformation on hand-made requests and answers."""

from __future__ import annotations

import base64

import pytest

from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.contract.requirements import load_requirements
from milvus_conformance.faults.catalogue import AWAITING_CASE, WITHOUT_FAULT, all_faults, by_name
from milvus_conformance.faults.model import CREATE, DROP, LAYERS, Req, Resp
from milvus_conformance.faults.proxy import Context, apply_fault
from milvus_conformance.faults.rest_faults import REST_FAULTS
from milvus_conformance.faults.rest_transforms import VALID_PASSWORD
from milvus_conformance.faults.sdk_faults import SDK_FAULTS

OK = {"code": 0, "data": {}}


# ---- the catalogue as data ---------------------------------------------------------------------------
def test_catalogue_shape():
    faults = all_faults()
    names = [f.name for f in faults]
    assert len(REST_FAULTS) >= 30 and len(SDK_FAULTS) >= 5
    assert len(names) == len(set(names))
    known = load_requirements()
    for f in faults:
        assert f.requirement in known, f.name
        assert set(f.also_violates) <= set(known) and f.requirement not in f.also_violates, f.name
        assert f.description and "\n" not in f.description, f.name
        assert f.hooks, f.name
        assert f.layer in LAYERS and f.surface in ("rest", "sdk")
    assert by_name("duplicate-code-0").requirement == "USER-CREATE-DUPLICATE"
    with pytest.raises(KeyError):
        by_name("no-such-fault")


def test_every_requirement_has_a_fault_or_says_why():
    known = load_requirements()
    faulted = {f.requirement for f in all_faults()}
    assert set(WITHOUT_FAULT) <= set(known) and not set(WITHOUT_FAULT) & faulted
    assert set(known) - faulted == set(WITHOUT_FAULT), "a requirement without a fault and without a reason"
    assert all(WITHOUT_FAULT.values())
    assert set(AWAITING_CASE) <= {f.name for f in all_faults()} and all(AWAITING_CASE.values())


def test_every_surface_of_a_requirement_has_a_fault():
    """A requirement of both surfaces gets a REST fault and an SDK fault (SURFACE-PARITY excepted:
    a disagreement needs one side only)."""
    missing = [
        (rid, surface)
        for rid, r in load_requirements().items()
        for surface in r.surfaces
        if rid not in WITHOUT_FAULT
        and rid != "SURFACE-PARITY"
        and not any(f.requirement == rid and f.surface == surface for f in all_faults())
    ]
    assert not missing


def test_requirement_ids_are_written_out_in_the_catalogue():
    """grep finds every fault citing a requirement: no ID is built from parts."""
    from milvus_conformance import REPO_ROOT

    text = "".join(
        (REPO_ROOT / "milvus_conformance" / "faults" / name).read_text()
        for name in (
            "rest_faults.py",
            "rest_rule_faults.py",
            "sdk_faults.py",
            "client_faults.py",
            "credential_faults.py",
        )
    )
    for f in all_faults():
        assert f'"{f.requirement}"' in text, f.name


def test_class_rule_faults_follow_the_profile():
    embedded, documented = load_profile("embedded"), load_profile("documented")
    assert not by_name("class-rule-ignored").applies_to(embedded)
    assert by_name("class-rule-ignored").applies_to(documented)
    assert by_name("class-rule-imposed").applies_to(embedded)


# ---- transformations on hand-made traffic -------------------------------------------------------------
class FakeContext(Context):
    """forward() answers from `upstream(req)` and records what it was sent."""

    def __init__(self, upstream=lambda req: Resp.of_json(200, OK), profile="embedded"):
        super().__init__("http://upstream.invalid", "root:Milvus", load_profile(profile))
        self.upstream, self.sent = upstream, []

    def forward(self, req):
        self.sent.append(req)
        return self.upstream(req)


def create(name="alice", password="Aa1!bcdefg", **headers) -> Req:
    return Req("POST", CREATE, [("Authorization", "Bearer u:p"), *headers.items()]).with_json(
        {"userName": name, "password": password}
    )


def through(fault_name, req, upstream=None, profile="embedded"):
    ctx = FakeContext(upstream or (lambda r: Resp.of_json(200, OK)), profile)
    return apply_fault(by_name(fault_name), req, ctx), ctx


@pytest.mark.parametrize(
    "name,body",
    [
        ("success-code-string", {"code": "0", "data": {}}),
        ("success-code-200", {"code": 200, "data": {}}),
        ("success-data-dropped", {"code": 0}),
        ("success-data-list", {"code": 0, "data": []}),
    ],
)
def test_success_envelope_faults(name, body):
    resp, _ = through(name, create())
    assert resp.json() == body
    error = lambda r: Resp.of_json(200, {"code": 1100, "message": "bad"})  # noqa: E731
    assert through(name, create(), error)[0].json() == {"code": 1100, "message": "bad"}
    other = Req("POST", "/v2/vectordb/users/list", []).with_json({})
    assert through(name, other)[0].json() == OK  # only the create's answers change


def test_error_envelope_and_code_faults():
    err = lambda code: lambda r: Resp.of_json(200, {"code": code, "message": "m"})  # noqa: E731
    assert through("error-message-missing", create(), err(1100))[0].json() == {"code": 1100}
    assert through("error-message-not-string", create(), err(1100))[0].json()["message"] == ["m"]
    assert through("error-code-string", create(), err(1801))[0].json()["code"] == "1801"
    assert through("code-1100-to-65535", create(), err(1100))[0].code == 65535
    assert through("code-1801-to-1802", create(), err(1801))[0].code == 1802
    assert through("code-1802-to-1801", create(), err(1802))[0].code == 1801
    assert through("code-1802-to-1801", create(), err(1100))[0].code == 1100


def test_status_faults():
    for name, old, new in [
        ("auth-401-to-200", 401, 200),
        ("permission-403-to-200", 403, 200),
        ("timeout-408-to-200", 408, 200),
    ]:
        resp, _ = through(name, create(), lambda r, old=old: Resp.of_json(old, {"code": 1, "message": "x"}))
        assert resp.status == new and resp.code == 1
    unknown = Req("POST", "/v2/vectordb/nothing", [])
    resp, _ = through("unknown-route-404-to-405", unknown, lambda r: Resp(404, [], b"404 page not found"))
    assert resp.status == 405 and resp.body == b"404 page not found"


def test_duplicate_faults():
    dup = lambda r: Resp.of_json(200, {"code": 65535, "message": "user already exists: alice"})  # noqa: E731
    assert through("duplicate-code-0", create(), dup)[0].json() == OK
    assert through("duplicate-code-1100", create(), dup)[0].code == 1100
    calls = []

    def upstream(req):
        calls.append((req.path, req.json()))
        return dup(req) if len(calls) == 1 else Resp.of_json(200, OK)

    resp, _ = through("duplicate-overwrites", create(), upstream)
    assert resp.json() == OK and [c[0] for c in calls] == [CREATE, DROP, CREATE]


def test_bypass_faults_resend_with_the_admin_token():
    def upstream(req):
        admin = req.header("Authorization") == "Bearer root:Milvus"
        return Resp.of_json(200, OK) if admin else Resp.of_json(401, {"code": 1800, "message": "no"})

    resp, ctx = through("auth-bypass", create(), upstream)
    assert resp.json() == OK and [r.header("Authorization") for r in ctx.sent] == ["Bearer u:p", "Bearer root:Milvus"]
    resp, _ = through("permission-bypass", create(), lambda r: Resp.of_json(403, {"code": 65535, "message": "deny"}))
    assert resp.status == 403  # the admin was refused too: nothing to bypass with


def test_auth_format_faults():
    basic = create().with_header("Authorization", "Basic " + base64.b64encode(b"u:p").decode())
    resp, ctx = through("basic-auth-refused", basic)
    assert resp.code == 1800 and not ctx.sent
    resp, ctx = through("token-split-last-colon", create().with_header("Authorization", "Bearer u:p:q"))
    assert resp.status == 401 and not ctx.sent
    assert through("token-split-last-colon", create())[1].sent  # one colon: forwarded


@pytest.mark.parametrize(
    "fault,field,given,sent",
    [
        ("name-over-max-accepted", "userName", "a" * 33, "a" * 32),
        ("name-over-max-accepted", "userName", "a" * 32, "a" * 32),
        ("password-over-max-accepted", "password", "A" * 73, "A" * 72),
        ("password-over-max-accepted", "password", "A" * 72, "A" * 72),
        ("password-under-min-accepted", "password", "Aa1!b", "Aa1!ba"),
        ("password-under-min-accepted", "password", "", ""),
        ("name-first-char-accepted", "userName", "9abc", "Aabc"),
        ("name-charset-accepted", "userName", "ab-c d", "abcd"),
        ("name-case-folded", "userName", "AbC", "abc"),
        ("created-other-name", "userName", "alice", "alicex"),
        ("created-other-password", "password", "Aa1!bcdefg", "Aa1!bcdefgx"),
    ],
)
def test_request_rewrites(fault, field, given, sent):
    req = create(**{"name" if field == "userName" else "password": given})
    _, ctx = through(fault, req)
    assert ctx.sent[0].json()[field] == sent


def test_class_rule_faults():
    resp, ctx = through("class-rule-imposed", create(password="abcdefghij"))
    assert resp.code == 1100 and not ctx.sent
    assert through("class-rule-imposed", create(password="Abcdefgh12"))[1].sent
    _, ctx = through("class-rule-ignored", create(password="abcdefghij"), profile="documented")
    assert len({c for c in ctx.sent[0].json()["password"] if not c.islower()}) >= 2


def test_state_faults():
    resp, ctx = through("user-not-created", create())
    assert resp.json() == OK and [r.path for r in ctx.sent] == [CREATE, DROP]
    assert ctx.sent[1].json() == {"userName": "alice"}
    _, ctx = through("missing-password-defaulted", Req("POST", CREATE, []).with_json({"userName": "a"}))
    assert ctx.sent[0].json() == {"userName": "a", "password": VALID_PASSWORD}
    drop_root = Req("POST", DROP, []).with_json({"userName": "root"})
    resp, ctx = through("drop-root-accepted", drop_root)
    assert resp.json() == OK and not ctx.sent
    listing = lambda r: Resp.of_json(200, {"code": 0, "data": ["root"]})  # noqa: E731
    resp, ctx = through("drop-unknown-refused", Req("POST", DROP, []).with_json({"userName": "ghost"}), listing)
    assert resp.code == 65535 and len(ctx.sent) == 1


def test_header_method_route_faults():
    resp, _ = through("content-type-text", create())
    assert resp.content_type.startswith("text/plain") and resp.json() == OK
    _, ctx = through("wrong-method-accepted", Req("GET", CREATE, []))
    assert ctx.sent[0].method == "POST"
    _, ctx = through("trailing-slash-accepted", Req("POST", CREATE + "/?a=1", []))
    assert ctx.sent[0].target == CREATE + "?a=1"
    _, ctx = through("timeout-ignored", create(**{"Request-Timeout": "0"}))
    assert ctx.sent[0].header("Request-Timeout") is None
    resp, ctx = through("timeout-unparsable-refused", create(**{"Request-Timeout": "soon"}))
    assert resp.code == 1100 and not ctx.sent
    assert through("timeout-unparsable-refused", create(**{"Request-Timeout": "5"}))[1].sent
    req = Req("POST", CREATE, []).with_json({"userName": "a", "password": "Aa1!bcdefg", "x": 1})
    assert through("unknown-field-rejected", req)[0].code == 1801
    resp, _ = through("request-content-type-enforced", create(**{"Content-Type": "text/plain"}))
    assert resp.code == 1801
    cap = lambda r: Resp.of_json(200, {"code": 65535, "message": "the number of users has reached the limit"})  # noqa
    assert through("user-cap-ignored", create(), cap)[0].json() == OK


# ---- the faults added for every requirement and every limit ----------------------------------------------
def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_route_moved():
    resp, ctx = through("create-route-moved", create())
    assert resp.status == 404 and not ctx.sent
    _, ctx = through("create-route-moved", Req("POST", "/v2/vectordb/users/add?x=1", []).with_json({}))
    assert ctx.sent[0].target == CREATE + "?x=1"


def test_auth_not_enforced_runs_everything_as_the_admin():
    _, ctx = through("auth-not-enforced", Req("POST", "/v2/vectordb/users/list", []).with_json({}))
    assert ctx.sent[0].header("Authorization") == "Bearer root:Milvus"
    assert by_name("auth-not-enforced").suite_args == ("--allow-auth-disabled",)


def test_password_prefix_compared_cuts_every_password_it_sees():
    req = create(password="Aa1!bcdefghij").with_header("Authorization", "Bearer bob:Aa1!bcdefXYZ")
    _, ctx = through("password-prefix-compared", req)
    assert ctx.sent[0].json()["password"] == "Aa1!bcde"
    assert ctx.sent[0].header("Authorization") == "Bearer bob:Aa1!bcde"
    basic = Req("POST", "/v2/vectordb/users/list", [("Authorization", _basic("bob", "p:q-long-password"))])
    assert through("password-prefix-compared", basic)[1].sent[0].header("Authorization") == _basic("bob", "p:q-long")
    update = Req("POST", "/v2/vectordb/users/update_password", []).with_json(
        {"userName": "bob", "oldPassword": "123456789", "newPassword": "abcdefghi"}
    )
    sent = through("password-prefix-compared", update)[1].sent[0].json()
    assert (sent["oldPassword"], sent["newPassword"]) == ("12345678", "abcdefgh")
    short = create(password="Aa1!bc").with_header("Authorization", "Bearer root:Milvus")
    assert through("password-prefix-compared", short)[1].sent[0] == short  # 8 bytes or fewer: as is


@pytest.mark.parametrize(
    "fault,password,refused",
    [
        ("password-min-in-characters", "ééé", True),  # 3 characters, 6 bytes: the minimum is 6 bytes
        ("password-min-in-characters", "éééééé", False),  # 6 characters
        ("password-min-in-characters", "abcde", False),  # 5 bytes: the server refuses it itself
        ("password-validation-max-in-characters", "é" * 129, True),  # 258 bytes, 129 characters
        ("password-validation-max-in-characters", "a" * 257, False),  # over in both units
        ("password-at-min-refused", "abcdef", True),
        ("password-at-min-refused", "abcdefg", False),
        ("password-at-max-refused", "a" * 72, True),
        ("password-at-max-refused", "a" * 71, False),
    ],
)
def test_password_limit_refusals(fault, password, refused):
    resp, ctx = through(fault, create(password=password))
    assert (not ctx.sent) == refused
    if refused:
        expected = load_profile("embedded")[f"rest.outcome.{'invalid_value' if 'min' in fault else 'bcrypt_error'}"]
        assert resp.code == expected["code"]


def test_name_at_max_refused():
    assert not through("name-at-max-refused", create(name="a" * 32))[1].sent
    assert through("name-at-max-refused", create(name="a" * 31))[1].sent


def test_password_max_in_characters_stores_and_compares_the_cut():
    long = "é" * 40  # 80 bytes, 40 characters: within 72 characters
    req = create(password=long).with_header("Authorization", f"Bearer bob:{long}")
    sent = through("password-max-in-characters", req)[1].sent[0]
    assert sent.json()["password"] == "é" * 36 and sent.header("Authorization") == "Bearer bob:" + "é" * 36
    ascii_over = create(password="a" * 73)  # over in characters too: the server refuses it
    assert through("password-max-in-characters", ascii_over)[1].sent[0].json()["password"] == "a" * 73
    assert not by_name("password-max-in-characters").applies_to(load_profile("documented"))


def test_concurrent_duplicates_succeed_only_when_they_overlap():
    dup = Resp.of_json(200, {"code": 65535, "message": "user already exists: alice"})
    fault = by_name("concurrent-duplicates-succeed")
    ctx = FakeContext(lambda r: dup)
    assert apply_fault(fault, create(), ctx).code == 65535  # alone: the duplicate stands
    inner = []

    def send(req):  # a second create of the same name arrives while the first is in flight
        if not inner:
            inner.append(fault.around(req, ctx, lambda r: dup))
        return dup

    assert fault.around(create(), ctx, send).json() == OK and inner[0].json() == OK
    other = fault.around(create(name="bob"), ctx, lambda r: dup)
    assert other.code == 65535


def test_list_omits_new_users():
    listing = lambda r: Resp.of_json(200, {"code": 0, "data": ["root", "alice"]})  # noqa: E731
    ctx = FakeContext(listing)
    ctx.created.add("alice")
    resp = apply_fault(by_name("list-omits-new-users"), Req("POST", "/v2/vectordb/users/list", []), ctx)
    assert resp.json() == {"code": 0, "data": ["root"]}


def test_surfaces_disagree_refuses_only_on_rest():
    fault = by_name("surfaces-disagree-name-too-long")
    assert fault.surface == "rest" and fault.also_violates == ("USER-CREATE-NAME-LENGTH",)
    resp, ctx = through(fault.name, create(name="a" * 33))
    assert resp.code == load_profile("embedded")["rest.outcome.missing_field"]["code"] and not ctx.sent
