"""The two fault proxies end to end, without a Milvus server: the REST proxy against a stub HTTP
upstream (everything not faulted passes unchanged), the gRPC proxy against a stub gRPC upstream."""

from __future__ import annotations

import base64
import json
import threading
import time
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import httpx
import pytest
from pymilvus.grpc_gen import common_pb2, milvus_pb2

from milvus_conformance.faults.grpc_proxy import start_grpc_fault_proxy
from milvus_conformance.faults.model import CREATE
from milvus_conformance.faults.proxy import start_fault_proxy

OK = {"code": 0, "data": {}}


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
            out = json.dumps(
                {
                    "method": self.command,
                    "path": self.path,
                    "body": body.decode("latin-1"),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                }
            ).encode()
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
        r = httpx.request(
            "PATCH",
            proxy.base_url + "/v2/a%2Fb/x?q=1&r=%20",
            content=b"\x00raw\xff",
            headers={"Authorization": "Bearer u:p:q", "Request-Timeout": "7", "X-Any": "v"},
        )
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
        assert proxy.created == {"bob"}  # the upstream said code 0
        assert httpx.post(proxy.base_url + "/other", json={}).json()["path"] == "/other"
    finally:
        proxy.stop()
    with pytest.raises(ValueError):
        start_fault_proxy(upstream, "sdk-duplicate-accepted")


# ---- the gRPC proxy, against a stub gRPC upstream -------------------------------------------------------
class _StubMilvus(grpc.GenericRpcHandler):
    def __init__(self):
        self.seen, self.answer, self.metadata, self.delay = [], common_pb2.Status(), [], 0.0

    def service(self, details):
        method = details.method.rsplit("/", 1)[-1]

        def handle(raw, context):
            self.metadata.append(dict(context.invocation_metadata()))
            if method == "CreateCredential":
                time.sleep(self.delay)
                self.seen.append(milvus_pb2.CreateCredentialRequest.FromString(raw))
                if self.answer == "deny":
                    context.abort(grpc.StatusCode.PERMISSION_DENIED, "permission deny")
                return self.answer.SerializeToString()
            return raw  # anything else: echo the bytes

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
        return common_pb2.Status.FromString(
            call(req.SerializeToString(), metadata=[("authorization", "dTpw")], timeout=5)
        )
    finally:
        channel.close()


@pytest.mark.parametrize(
    "fault",
    [
        None,
        "sdk-password-altered",
        "sdk-duplicate-accepted",
        "sdk-permission-swallowed",
        "sdk-code-1100-to-65535",
        "sdk-error-as-rpc-error",
    ],
)
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


def _call_via(uri, method, request, response_type, token="u:p"):
    channel = grpc.insecure_channel(uri.split("://")[-1])
    call = channel.unary_unary(f"/milvus.proto.milvus.MilvusService/{method}")
    auth = base64.b64encode(token.encode()).decode()
    try:
        return response_type.FromString(
            call(request.SerializeToString(), metadata=[("authorization", auth)], timeout=5)
        )
    finally:
        channel.close()


def _seen_credentials(stub) -> str:
    return base64.b64decode(stub.metadata[-1]["authorization"]).decode()


def test_grpc_metadata_faults(stub_milvus):
    stub, address = stub_milvus
    proxy = start_grpc_fault_proxy(address, "sdk-auth-not-enforced", admin_token="root:Milvus")
    try:
        _call_via(
            proxy.uri,
            "ListCredUsers",
            milvus_pb2.ListCredUsersRequest(),
            milvus_pb2.ListCredUsersRequest,
            token="nobody:wrong",
        )
        assert _seen_credentials(stub) == "root:Milvus"
    finally:
        proxy.stop()
    proxy = start_grpc_fault_proxy(address, "sdk-password-prefix-compared")
    try:
        _create_via(proxy.uri, password="Aa1!bcdefghij")
        assert base64.b64decode(stub.seen[-1].password).decode() == "Aa1!bcde"
        _call_via(
            proxy.uri,
            "ListCredUsers",
            milvus_pb2.ListCredUsersRequest(),
            milvus_pb2.ListCredUsersRequest,
            token="bob:0123456789",
        )
        assert _seen_credentials(stub) == "bob:01234567"
    finally:
        proxy.stop()


@pytest.mark.parametrize(
    "fault,name,password,code",
    [
        ("sdk-password-min-in-characters", "carol", "ééé", 1100),
        ("sdk-password-at-min-refused", "carol", "abcdef", 1100),
        ("sdk-password-at-max-refused", "carol", "a" * 72, 65535),
        ("sdk-password-validation-max-in-characters", "carol", "é" * 129, 65535),
        ("sdk-name-at-max-refused", "a" * 32, "Aa1!bcdefg", 1100),
        ("sdk-class-rule-imposed", "carol", "abcdefghij", 1100),
    ],
)
def test_grpc_refusals_are_answered_by_the_proxy(stub_milvus, fault, name, password, code):
    stub, address = stub_milvus
    proxy = start_grpc_fault_proxy(address, fault)
    try:
        status = _create_via(proxy.uri, name=name, password=password)
        assert status.code == code and not stub.seen
        assert _create_via(proxy.uri, name="carol", password="Aa1!bcdefgh").code == 0 and stub.seen
    finally:
        proxy.stop()


def test_grpc_rewrites(stub_milvus):
    stub, address = stub_milvus
    for fault, name, password, seen in [
        ("sdk-name-first-char-accepted", "9abc", "Aa1!bcdefg", ("Aabc", None)),
        ("sdk-name-case-folded", "AbC", "Aa1!bcdefg", ("abc", None)),
        ("sdk-missing-password-defaulted", "abc", "", ("abc", "Aa1!faultpw")),
    ]:
        proxy = start_grpc_fault_proxy(address, fault)
        try:
            _create_via(proxy.uri, name=name, password=password)
            assert stub.seen[-1].username == seen[0], fault
            if seen[1]:
                assert base64.b64decode(stub.seen[-1].password).decode() == seen[1]
        finally:
            proxy.stop()


def test_grpc_answers_without_forwarding(stub_milvus):
    stub, address = stub_milvus
    proxy = start_grpc_fault_proxy(address, "sdk-drop-root-accepted")
    try:
        status = _call_via(
            proxy.uri, "DeleteCredential", milvus_pb2.DeleteCredentialRequest(username="root"), common_pb2.Status
        )
        assert status.code == 0 and not stub.metadata  # answered by the proxy
        _call_via(
            proxy.uri,
            "DeleteCredential",
            milvus_pb2.DeleteCredentialRequest(username="bob"),
            milvus_pb2.DeleteCredentialRequest,
        )
        assert stub.metadata  # anyone else: forwarded
    finally:
        proxy.stop()


def test_grpc_concurrent_duplicates(stub_milvus):
    """Only creates of one name that overlap in time are answered success."""
    stub, address = stub_milvus
    stub.answer = common_pb2.Status(code=65535, reason="user already exists: carol")
    proxy = start_grpc_fault_proxy(address, "sdk-concurrent-duplicates-succeed")
    try:
        assert _create_via(proxy.uri).code == 65535  # alone
        stub.delay = 0.5
        with futures.ThreadPoolExecutor(4) as pool:
            codes = [s.code for s in pool.map(lambda _: _create_via(proxy.uri), range(4))]
        assert codes == [0, 0, 0, 0]
    finally:
        proxy.stop()
