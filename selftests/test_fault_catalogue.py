"""Unit tests of the fault catalogue and both fault proxies, without a Milvus server: each
transformation on hand-made requests/answers, the REST proxy against a stub HTTP upstream (everything
not faulted passes unchanged), the gRPC proxy against a stub gRPC upstream, and the kill verdict."""
from __future__ import annotations

import base64
import json
import threading
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import httpx
import pytest
from pymilvus.grpc_gen import common_pb2, milvus_pb2

from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.contract.requirements import load_requirements
from milvus_conformance.faults import killrate
from milvus_conformance.faults.catalogue import FAULTS, VALID_PASSWORD, all_faults, by_name
from milvus_conformance.faults.grpc_faults import SDK_FAULTS, start_grpc_fault_proxy
from milvus_conformance.faults.proxy import CREATE, DROP, Context, Req, Resp, apply_fault, start_fault_proxy

OK = {"code": 0, "data": {}}


# ---- the catalogue as data ---------------------------------------------------------------------------
def test_catalogue_shape():
    faults = all_faults()
    names = [f.name for f in faults]
    assert len(FAULTS) >= 30 and len(SDK_FAULTS) >= 5
    assert len(names) == len(set(names))
    known = load_requirements()
    for f in faults:
        assert f.requirement in known, f.name
        assert f.description and "\n" not in f.description, f.name
        assert f.request_transform or f.response_transform, f.name
        assert f.surface in ("rest", "sdk")
    assert by_name("duplicate-code-0").requirement == "USER-CREATE-DUPLICATE"
    with pytest.raises(KeyError):
        by_name("no-such-fault")


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
        {"userName": name, "password": password})


def through(fault_name, req, upstream=None, profile="embedded"):
    ctx = FakeContext(upstream or (lambda r: Resp.of_json(200, OK)), profile)
    return apply_fault(by_name(fault_name), req, ctx), ctx


@pytest.mark.parametrize("name,body", [("success-code-string", {"code": "0", "data": {}}),
                                       ("success-code-200", {"code": 200, "data": {}}),
                                       ("success-data-dropped", {"code": 0}),
                                       ("success-data-list", {"code": 0, "data": []})])
def test_success_envelope_faults(name, body):
    resp, _ = through(name, create())
    assert resp.json() == body
    error = lambda r: Resp.of_json(200, {"code": 1100, "message": "bad"})   # noqa: E731
    assert through(name, create(), error)[0].json() == {"code": 1100, "message": "bad"}
    other = Req("POST", "/v2/vectordb/users/list", []).with_json({})
    assert through(name, other)[0].json() == OK        # only the create's answers change


def test_error_envelope_and_code_faults():
    err = lambda code: (lambda r: Resp.of_json(200, {"code": code, "message": "m"}))   # noqa: E731
    assert through("error-message-missing", create(), err(1100))[0].json() == {"code": 1100}
    assert through("error-message-not-string", create(), err(1100))[0].json()["message"] == ["m"]
    assert through("error-code-string", create(), err(1801))[0].json()["code"] == "1801"
    assert through("code-1100-to-65535", create(), err(1100))[0].code == 65535
    assert through("code-1801-to-1802", create(), err(1801))[0].code == 1802
    assert through("code-1802-to-1801", create(), err(1802))[0].code == 1801
    assert through("code-1802-to-1801", create(), err(1100))[0].code == 1100


def test_status_faults():
    for name, old, new in [("auth-401-to-200", 401, 200), ("permission-403-to-200", 403, 200),
                           ("timeout-408-to-200", 408, 200)]:
        resp, _ = through(name, create(), lambda r: Resp.of_json(old, {"code": 1, "message": "x"}))
        assert resp.status == new and resp.code == 1
    unknown = Req("POST", "/v2/vectordb/nothing", [])
    resp, _ = through("unknown-route-404-to-405", unknown, lambda r: Resp(404, [], b"404 page not found"))
    assert resp.status == 405 and resp.body == b"404 page not found"


def test_duplicate_faults():
    dup = lambda r: Resp.of_json(200, {"code": 65535, "message": "user already exists: alice"})   # noqa: E731
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
    assert resp.status == 403       # the admin was refused too: nothing to bypass with


def test_auth_format_faults():
    basic = create().with_header("Authorization", "Basic " + base64.b64encode(b"u:p").decode())
    resp, ctx = through("basic-auth-refused", basic)
    assert resp.code == 1800 and not ctx.sent
    resp, ctx = through("token-split-last-colon", create().with_header("Authorization", "Bearer u:p:q"))
    assert resp.status == 401 and not ctx.sent
    assert through("token-split-last-colon", create())[1].sent       # one colon: forwarded


@pytest.mark.parametrize("fault,field,given,sent", [
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
])
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
    listing = lambda r: Resp.of_json(200, {"code": 0, "data": ["root"]})   # noqa: E731
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


# ---- the REST proxy end to end, against a stub upstream ------------------------------------------------
class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self._echo
        raise AttributeError(name)

    def log_message(self, *args):
        pass

    def _echo(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith(CREATE):
            out, ctype = json.dumps(OK).encode(), "application/json; charset=utf-8"
        else:
            out = json.dumps({"method": self.command, "path": self.path, "body": body.decode("latin-1"),
                              "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
            ctype = "application/x-echo"
        self.send_response_only(200 if self.path.startswith(CREATE) else 299)
        self.send_header("Content-Type", ctype)
        self.send_header("X-Upstream", "yes")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


@pytest.fixture
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_proxy_forwards_everything_unchanged(upstream):
    proxy = start_fault_proxy(upstream, None)
    try:
        r = httpx.request("PATCH", proxy.base_url + "/v2/a%2Fb/x?q=1&r=%20", content=b"\x00raw\xff",
                          headers={"Authorization": "Bearer u:p:q", "Request-Timeout": "7", "X-Any": "v"})
        echo = r.json()
        assert r.status_code == 299 and r.headers["x-upstream"] == "yes"
        assert r.headers["content-type"] == "application/x-echo"
        assert echo["method"] == "PATCH" and echo["path"] == "/v2/a%2Fb/x?q=1&r=%20"
        assert echo["body"] == "\x00raw\xff"
        assert echo["headers"]["authorization"] == "Bearer u:p:q"
        assert echo["headers"]["request-timeout"] == "7" and echo["headers"]["x-any"] == "v"
        assert proxy.requests == 1
    finally:
        proxy.stop()


def test_proxy_applies_one_fault_and_records_creates(upstream):
    proxy = start_fault_proxy(upstream, "success-code-string")
    try:
        r = httpx.post(proxy.base_url + CREATE, json={"userName": "bob", "password": "Aa1!bcdefg"})
        assert r.json() == {"code": "0", "data": {}}
        assert proxy.created == {"bob"}          # the upstream said code 0
        assert httpx.post(proxy.base_url + "/other", json={}).json()["path"] == "/other"
    finally:
        proxy.stop()
    with pytest.raises(ValueError):
        start_fault_proxy(upstream, "sdk-duplicate-accepted")


# ---- the gRPC proxy, against a stub gRPC upstream -------------------------------------------------------
class _StubMilvus(grpc.GenericRpcHandler):
    def __init__(self):
        self.seen, self.answer, self.metadata = [], common_pb2.Status(), []

    def service(self, details):
        method = details.method.rsplit("/", 1)[-1]

        def handle(raw, context):
            self.metadata.append(dict(context.invocation_metadata()))
            if method == "CreateCredential":
                self.seen.append(milvus_pb2.CreateCredentialRequest.FromString(raw))
                if self.answer == "deny":
                    context.abort(grpc.StatusCode.PERMISSION_DENIED, "permission deny")
                return self.answer.SerializeToString()
            return raw        # anything else: echo the bytes
        return grpc.unary_unary_rpc_method_handler(handle)


@pytest.fixture
def stub_milvus():
    stub = _StubMilvus()
    server = grpc.server(futures.ThreadPoolExecutor(4))
    server.add_generic_rpc_handlers((stub,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield stub, f"127.0.0.1:{port}"
    server.stop(0)


def _create_via(uri, name="carol", password="Aa1!bcdefg"):
    channel = grpc.insecure_channel(uri.split("://")[-1])
    call = channel.unary_unary("/milvus.proto.milvus.MilvusService/CreateCredential")
    req = milvus_pb2.CreateCredentialRequest(username=name, password=base64.b64encode(password.encode()))
    try:
        return common_pb2.Status.FromString(call(req.SerializeToString(), metadata=[("authorization", "dTpw")],
                                                 timeout=5))
    finally:
        channel.close()


@pytest.mark.parametrize("fault", [None, "sdk-password-altered", "sdk-duplicate-accepted",
                                   "sdk-permission-swallowed", "sdk-code-1100-to-65535",
                                   "sdk-error-as-rpc-error"])
def test_grpc_proxy(stub_milvus, fault):
    stub, address = stub_milvus
    if fault == "sdk-duplicate-accepted":
        stub.answer = common_pb2.Status(code=65535, reason="user already exists: carol")
    elif fault == "sdk-permission-swallowed":
        stub.answer = "deny"
    elif fault in ("sdk-code-1100-to-65535", "sdk-error-as-rpc-error"):
        stub.answer = common_pb2.Status(code=1100, error_code=common_pb2.IllegalArgument, reason="bad")
    proxy = start_grpc_fault_proxy(address, fault)
    try:
        if fault == "sdk-error-as-rpc-error":
            with pytest.raises(grpc.RpcError) as raised:
                _create_via(proxy.uri)
            assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            return
        status = _create_via(proxy.uri)
        sent = base64.b64decode(stub.seen[-1].password).decode()
        assert stub.metadata[-1]["authorization"] == "dTpw"
        if fault is None:
            assert status.code == 0 and sent == "Aa1!bcdefg" and proxy.created == {"carol"}
        elif fault == "sdk-password-altered":
            assert sent == "Aa1!bcdefgx"
        elif fault == "sdk-code-1100-to-65535":
            assert status.code == 65535
        else:
            assert status.code == 0 and status.error_code == common_pb2.Success
    finally:
        proxy.stop()


# ---- the kill verdict ------------------------------------------------------------------------------------
def _results(*cases):
    return {"cases": [{"case_id": c, "status": s, "requirements": r, "message": "m"} for c, s, r in cases],
            "harness_errors": []}


def test_judge_fault():
    fault = by_name("duplicate-code-0")
    dup = ["USER-CREATE-DUPLICATE"]
    status, killers, *_ = killrate.judge_fault(fault, _results(("a", "fail", dup), ("b", "pass", dup)), 1)
    assert status == "killed" and killers == ["a"]
    status, *_ = killrate.judge_fault(fault, _results(("a", "fail", ["USER-CREATE-ROUTE"])), 1)
    assert status == "survived"                        # a failure citing another requirement
    status, *_ = killrate.judge_fault(fault, _results(("a", "fail", dup)), 1, noise={"a"})
    assert status == "survived"                        # fails without the fault too
    assert killrate.judge_fault(fault, _results(("a", "unexpected_pass", dup)), 1)[0] == "killed"
    assert killrate.judge_fault(fault, None, 3)[0] == "error"


def test_report_files(tmp_path):
    r = killrate.FaultResult("f", "USER-CREATE-DUPLICATE", "rest", "d", "killed", ["tests/x.py::t"])
    report = killrate.summary([r], {"exit_status": 0, "seconds": 1.0}, 2.0, "embedded", 10)
    killrate.write(report, tmp_path)
    assert json.loads((tmp_path / "killrate.json").read_text())["killed"] == 1
    assert "| `f` | rest | USER-CREATE-DUPLICATE | killed | `tests/x.py::t`" in (tmp_path / "killrate.md").read_text()
