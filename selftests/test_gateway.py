"""Tests of the REST v2 user-route gateway against a real Milvus server (MILVUS_GRPC_ADDRESS,
default 127.0.0.1:19530, authorization enabled, admin token MILVUS_ROOT_TOKEN or root:Milvus).

Every user a test creates is named gwt_<random>, registered before the request that may create it,
and dropped afterwards through gRPC (pass or fail). root and other users are never touched."""

from __future__ import annotations

import base64
import json
import os
import secrets
import socket
from concurrent.futures import ThreadPoolExecutor

import grpc
import httpx
import pytest
from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc

from milvus_conformance.target.gateway import start_gateway

ROOT_TOKEN = os.environ.get("MILVUS_ROOT_TOKEN", "root:Milvus")
U = "/v2/vectordb/users/"
JSON_CT = "application/json; charset=utf-8"
UNAUTH = {"code": 1800, "message": "user hasn't authenticated"}
PW = "Passw0rd!"


def _md(token: str):
    return [("authorization", base64.b64encode(token.encode()).decode())]


@pytest.fixture(scope="module")
def milvus(milvus_grpc_address):
    """A root gRPC stub used ONLY by the tests for setup checks and cleanup (never by the gateway)."""
    channel = grpc.insecure_channel(milvus_grpc_address)
    stub = milvus_pb2_grpc.MilvusServiceStub(channel)
    try:
        stub.GetVersion(milvus_pb2.GetVersionRequest(), metadata=_md(ROOT_TOKEN), timeout=5)
    except grpc.RpcError as e:
        channel.close()
        # the server comes from selftests/conftest.py: unusable is a broken harness, not a skip
        pytest.fail("Milvus not usable at %s: %s" % (milvus_grpc_address, e.code()))
    yield stub
    channel.close()


def _list_users(stub) -> list[str]:
    return list(stub.ListCredUsers(milvus_pb2.ListCredUsersRequest(), metadata=_md(ROOT_TOKEN), timeout=10).usernames)


@pytest.fixture
def users(milvus):
    """``users()`` -> a fresh gwt_ name (or ``users(name)`` to register one); all dropped at teardown."""
    created: list[str] = []

    def new(name: str | None = None, length: int = 16) -> str:
        name = name or ("gwt_" + secrets.token_hex(16))[:length]
        assert name not in ("root",)
        created.append(name)
        return name

    yield new
    for name in created:
        milvus.DeleteCredential(milvus_pb2.DeleteCredentialRequest(username=name), metadata=_md(ROOT_TOKEN), timeout=10)


@pytest.fixture(scope="module")
def gateway(milvus, milvus_grpc_address):
    gw = start_gateway(milvus_address=milvus_grpc_address, host="127.0.0.1", port=0, authorization_enabled=True)
    yield gw
    gw.stop()


@pytest.fixture(scope="module")
def client(gateway):
    with httpx.Client(base_url=gateway.base_url, timeout=60, follow_redirects=False) as c:
        yield c


def call(client, route: str, body=b"{}", token: str | None = ROOT_TOKEN, headers=None, method="POST", path=None):
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = "Bearer " + token
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.request(method, path or U + route, content=content, headers=h)


def ok_json(r) -> dict:
    assert r.headers["content-type"] == JSON_CT
    return r.json()


def create(client, name, password=PW, token=ROOT_TOKEN):
    return call(client, "create", {"userName": name, "password": password}, token=token)


# ---------------------------------------------------------------- success shapes and lifecycle


def test_create_success_shape(client, users):
    r = create(client, users())
    assert r.status_code == 200 and r.content == b'{"code":0,"data":{}}'
    assert r.headers["content-type"] == JSON_CT


@pytest.mark.parametrize("body", [b"{}", b"null", b'{"dbName": "default"}', b'{"dbName": "d\\u00e9j\\u00e0"}'])
def test_list_shape(client, users, body):
    name = users()
    assert ok_json(create(client, name))["code"] == 0
    r = call(client, "list", body)
    data = ok_json(r)
    assert r.status_code == 200 and data["code"] == 0 and set(data) == {"code", "data"}
    assert all(isinstance(n, str) for n in data["data"]) and {"root", name} <= set(data["data"])


def test_list_with_empty_body_is_1801_as_in_milvus(client):
    r = call(client, "list", b"")
    assert r.status_code == 200 and ok_json(r) == {
        "code": 1801,
        "message": "can only accept json format request, the request body should be nil, however {} is valid",
    }


def test_describe_grant_revoke_shapes(client, users):
    name = users()
    create(client, name)
    assert ok_json(call(client, "describe", {"userName": name})) == {"code": 0, "data": []}
    assert ok_json(call(client, "grant_role", {"userName": name, "roleName": "public"})) == {"code": 0, "data": {}}
    assert ok_json(call(client, "describe", {"userName": name})) == {"code": 0, "data": ["public"]}
    assert ok_json(call(client, "revoke_role", {"userName": name, "roleName": "public"})) == {"code": 0, "data": {}}
    assert ok_json(call(client, "describe", {"userName": name})) == {"code": 0, "data": []}


def test_describe_and_drop_of_unknown_user_are_code_0(client, users):
    name = users()
    assert ok_json(call(client, "describe", {"userName": name})) == {"code": 0, "data": []}
    assert ok_json(call(client, "drop", {"userName": name})) == {"code": 0, "data": {}}


def test_grant_unknown_role(client, users):
    name = users()
    create(client, name)
    body = ok_json(call(client, "grant_role", {"userName": name, "roleName": "gwt_no_such_role"}))
    assert body["code"] == 65535 and "role" in body["message"]


def test_lifecycle(client, users, milvus):
    name = users()
    assert ok_json(create(client, name))["code"] == 0
    assert name in ok_json(call(client, "list"))["data"]
    assert ok_json(call(client, "describe", {"userName": name})) == {"code": 0, "data": []}
    wrong = ok_json(
        call(client, "update_password", {"userName": name, "password": "nope123", "newPassword": "N3wPass!"})
    )
    assert wrong["code"] != 0
    upd = call(client, "update_password", {"userName": name, "password": PW, "newPassword": "N3wPass!"})
    assert ok_json(upd) == {"code": 0, "data": {}}
    assert call(client, "describe", {"userName": name}, token=name + ":N3wPass!").status_code == 200
    assert call(client, "describe", {"userName": name}, token=name + ":" + PW).status_code == 401
    assert ok_json(call(client, "drop", {"userName": name})) == {"code": 0, "data": {}}
    assert name not in ok_json(call(client, "list"))["data"] and name not in _list_users(milvus)


# ---------------------------------------------------------------- authentication and authorization


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer root:wrong-password",
        "Bearer gwt_nobody_here:whatever1",
        "Bearer sk-not-an-api-key",
        "Bearer :Milvus",
        "Bearer root:",
        "Basic " + base64.b64encode(b"root:wrong-password").decode(),
        "Basic %%%",
    ],
)
def test_401(client, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    r = call(client, "list", token=None, headers=headers)
    assert r.status_code == 401 and ok_json(r) == UNAUTH


def test_basic_auth(client):
    r = client.post(U + "list", content=b"{}", auth=httpx.BasicAuth(*ROOT_TOKEN.split(":", 1)))
    assert r.status_code == 200 and ok_json(r)["code"] == 0
    assert r.headers["www-authenticate"] == 'Basic realm="restricted", charset="UTF-8"'


def test_password_with_colons_as_token(client, users):
    name, password = users(), "pa:ss:w0rd:"
    assert ok_json(create(client, name, password))["code"] == 0
    r = call(client, "describe", {"userName": name}, token="%s:%s" % (name, password))
    assert r.status_code == 200 and ok_json(r) == {"code": 0, "data": []}
    r = client.post(U + "describe", content=json.dumps({"userName": name}), auth=httpx.BasicAuth(name, password))
    assert r.status_code == 200 and ok_json(r)["code"] == 0


def test_non_admin_cannot_create(client, users, milvus):
    actor, target = users(), users()
    create(client, actor)
    r = create(client, target, token="%s:%s" % (actor, PW))
    body = ok_json(r)
    assert r.status_code == 403 and body["code"] == 65535 and "permission deny" in body["message"]
    assert target not in _list_users(milvus)


# ---------------------------------------------------------------- routing


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/v2/vectordb/users/nope"),
        ("POST", "/v2/vectordb/users"),
        ("POST", "/v1/vector/collections"),
        ("GET", U + "create"),
        ("PUT", U + "create"),
        ("DELETE", U + "list"),
        ("PATCH", U + "drop"),
        ("POST", "/V2/vectordb/users/create"),
        ("GET", U + "create/"),
    ],
)
def test_404(client, method, path):
    r = call(client, "", method=method, path=path)
    assert r.status_code == 404 and r.content == b"404 page not found" and r.headers["content-type"] == "text/plain"


@pytest.mark.parametrize("method, path", [("POST", "/nope"), ("GET", U + "create")])
def test_auth_runs_before_404(client, method, path):
    r = call(client, "", token=None, method=method, path=path)
    assert r.status_code == 401 and ok_json(r) == UNAUTH


def test_trailing_slash_redirect_runs_before_auth(client):
    r = call(client, "", token=None, path=U + "create/?x=1")
    assert r.status_code == 307 and r.headers["location"] == U + "create?x=1" and r.content == b""


def test_options_and_head(client):
    r = client.request("OPTIONS", U + "create")
    assert r.status_code == 204 and r.headers["access-control-allow-origin"] == "*"
    r = client.head(U + "create", headers={"Authorization": "Bearer " + ROOT_TOKEN})
    assert r.status_code == 404 and r.content == b""


def _raw(gateway, target: str, headers: str = "") -> bytes:
    host, port = gateway.base_url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(
            (
                "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n%s\r\n{}" % (target, headers)
            ).encode()
        )
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def test_percent_encoded_path(gateway):
    auth_header = "Authorization: Bearer %s\r\n" % ROOT_TOKEN
    assert _raw(gateway, "/v2/vectordb/users/%6Cist", auth_header).startswith(b"HTTP/1.1 200 ")
    resp = _raw(gateway, "/v2/vectordb/users/%zzist", auth_header)
    assert resp.startswith(b"HTTP/1.1 400 ") and resp.endswith(b"\r\n\r\n400 Bad Request")


# ---------------------------------------------------------------- body binding over HTTP

FMT = "can only accept json format request"
REQ = "missing required parameters, error: "


@pytest.mark.parametrize(
    "template, code, prefix",
    [
        ("", 1801, FMT + ", the request body should be nil"),
        ("not json", 1801, FMT + ", error: invalid character 'o' in literal null"),
        ('{"userName": "%s", "password": "%s"', 1801, FMT + ", error: unexpected EOF"),
        (
            '["%s", "%s"]',
            1801,
            FMT + ", error: json: cannot unmarshal array into Go value of type httpserver.PasswordReq",
        ),
        ('"%s%s"', 1801, FMT + ", error: json: cannot unmarshal string into Go value"),
        ("12", 1801, FMT + ", error: json: cannot unmarshal number into Go value"),
        ("true", 1801, FMT + ", error: json: cannot unmarshal bool into Go value"),
        (
            '{"userName": 1, "password": "%s%s"}',
            1801,
            FMT + ", error: json: cannot unmarshal number into Go struct field PasswordReq.userName of type string",
        ),
        (
            '{"userName": ["%s"], "password": "%s"}',
            1801,
            FMT + ", error: json: cannot unmarshal array into Go struct field",
        ),
        (
            '{"userName": {"a": "%s"}, "password": "%s"}',
            1801,
            FMT + ", error: json: cannot unmarshal object into Go struct field",
        ),
        (
            '{"userName": "%s", "password": false}',
            1801,
            FMT + ", error: json: cannot unmarshal bool into Go struct field PasswordReq.password",
        ),
        ("null", 1802, REQ + "Key: 'PasswordReq.UserName'"),
        ("{}", 1802, REQ + "Key: 'PasswordReq.UserName'"),
        ('{"userName": "%s"}', 1802, REQ + "Key: 'PasswordReq.Password'"),
        ('{"userName": "%s", "password": ""}', 1802, REQ + "Key: 'PasswordReq.Password'"),
        ('{"userName": "%s", "password": null}', 1802, REQ + "Key: 'PasswordReq.Password'"),
    ],
)
def test_create_binding_errors(client, users, milvus, template, code, prefix):
    name = users()
    body = template % ((name, PW)[: template.count("%s")])
    r = call(client, "create", body.encode(), headers={"Content-Type": "text/plain"})
    data = ok_json(r)
    assert r.status_code == 200 and data["code"] == code and data["message"].startswith(prefix), data
    assert name not in _list_users(milvus)


@pytest.mark.parametrize(
    "template",
    [
        '{"userName": "%s", "password": "%s", "unknown": [1, {"x": null}]}',
        '{"USERNAME": "%s", "PassWord": "%s"}',
        '{"userName": "%s", "password": "%s"} trailing {garbage',
        '{"userName": "DECOY", "userName": "%s", "password": "%s"}',
    ],
)
def test_create_binding_accepts(client, users, milvus, template):
    name, decoy = users(), users()
    body = (template % (name, PW)).replace("DECOY", decoy).encode()
    r = call(client, "create", body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert ok_json(r) == {"code": 0, "data": {}}
    assert name in _list_users(milvus) and decoy not in _list_users(milvus)


# ---------------------------------------------------------------- Request-Timeout


@pytest.mark.parametrize("value", ["10", "abc", "", "1.5", "+20"])
def test_request_timeout_usable_or_ignored(client, users, value):
    r = call(client, "create", {"userName": users(), "password": PW}, headers={"Request-Timeout": value})
    assert ok_json(r) == {"code": 0, "data": {}}


@pytest.mark.parametrize("value", ["0", "-5", "10000000000"])
def test_request_timeout_expired_is_408_and_nothing_done(client, users, milvus, value):
    name = users()
    r = call(client, "create", {"userName": name, "password": PW}, headers={"Request-Timeout": value})
    assert r.status_code == 408 and ok_json(r) == {"code": 10001, "message": "request timeout"}
    assert name not in _list_users(milvus)


# ---------------------------------------------------------------- server-core results passed through


def test_duplicate(client, users):
    name = users()
    create(client, name)
    assert ok_json(create(client, name)) == {"code": 65535, "message": "user already exists: %s" % name}


@pytest.mark.parametrize("suffix", ["ab-c", "ab c", "abc\u00e9", "x" * 29])
def test_invalid_names_1100(client, users, milvus, suffix):
    name = users("gwt_" + suffix)
    r = create(client, name)
    assert r.status_code == 200 and ok_json(r)["code"] == 1100
    assert name not in _list_users(milvus)


def test_32_char_name_accepted(client, users):
    name = users(length=32)
    assert len(name) == 32 and ok_json(create(client, name)) == {"code": 0, "data": {}}


def test_concurrent_creates_of_one_name(gateway, users):
    name = users()

    def one(_):
        with httpx.Client(base_url=gateway.base_url, timeout=60) as c:
            return ok_json(create(c, name))["code"]

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(one, range(16)))
    assert sorted(codes) == [0] + [65535] * 15
