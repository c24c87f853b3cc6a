"""Routing and the per-request pipeline, in the order gin runs Milvus's REST server.

Source: milvus-io/milvus ``internal/distributed/proxy/service.go`` (``startHTTPServer``),
``httpserver/handler_v2.go`` (``RegisterRoutesToV2``, ``wrapperPost``, ``wrapperProxy``,
``checkAuthorizationV2``, the user handlers), ``httpserver/timeout_middleware.go``; gin's
``Engine.handleHTTPRequest``.

gin (``gin.New()``, default options: RedirectTrailingSlash=true, HandleMethodNotAllowed=false,
RedirectFixedPath=false, UseRawPath=false) does, per request:

1. look the decoded URL path up in the tree of the request's method. Only ``POST`` routes exist
   here (the gateway serves the seven ``/v2/vectordb/users/*`` routes only; other v2 routes, which
   real Milvus has, are 404 here).
2. no match and the path differs from a route only by a trailing slash -> redirect WITHOUT running
   any middleware (no auth, no CORS headers): 307 for non-GET methods (301 for GET, which cannot
   happen as there are no GET routes), ``Location`` = the path without the slash (+ ``?query``),
   no body (``http.Redirect`` writes a body only for GET). X-Forwarded-Prefix is not reproduced.
3. no match otherwise -> the global middleware chain, then 404 ``text/plain`` "404 page not found"
   (never 405). The middleware (``ginHandler.Use``) runs for 404s too: a CORS middleware (sets
   Access-Control-* headers; ``OPTIONS`` -> 204 right there), then ``authenticate`` (401 first).
4. match -> same middleware, then ``timeoutMiddleware(wrapperPost(handler))``: Request-Timeout
   (``strconv.ParseInt`` seconds, default 30 s, unparsable ignored), body binding, the call.

Milvus's timeout middleware races a wall-clock timer against the handler goroutine and answers
408 ``{"code":10001,"message":"request timeout"}`` when the timer wins; the handler goroutine is
not cancelled. The gateway uses the timeout as the gRPC deadline instead, and for a timeout <= 0
(an already-expired timer) answers 408 without binding or calling anything. (In real Milvus the
abandoned handler may still perform the operation after a 408; the gateway never does.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import grpc

from milvus_conformance.target.gateway import auth, binding, gojson, milvus_rpc
from milvus_conformance.target.gateway.error_status import error_status

PREFIX = "/v2/vectordb/users/"
JSON_CT = "application/json; charset=utf-8"
DEFAULT_TIMEOUT_NS = 30 * 1_000_000_000  # paramtable HTTPCfg.RequestTimeoutMs default
CODE_TIMEOUT = 10001  # merr.TimeoutCode
CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Credentials", "true"),
    (
        "Access-Control-Allow-Headers",
        "Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, "
        "Authorization, accept, origin, Cache-Control, X-Requested-With",
    ),
    ("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH"),
)


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    close: bool = False

    @classmethod
    def json(cls, status: int, obj, headers=()) -> "Response":
        return cls(status, list(headers) + [("Content-Type", JSON_CT)], gojson.marshal(obj))


@dataclass(frozen=True)
class Route:
    spec: binding.StructSpec
    build: Callable[[dict[str, str]], tuple[str, object]]
    result: Callable[[object, dict[str, str]], object]  # response -> "data"


def _default(resp, values):
    return {}  # wrapperReturnDefault: {"code":0,"data":{}}


def _names(resp, values):
    return list(resp.usernames)  # wrapperReturnList (an empty list, never null)


def _roles(resp, values):
    # describeUser: role names of the result entries whose user name equals the requested one.
    return [r.name for ur in resp.results if ur.user.name == values["userName"] for r in ur.roles]


ROUTES: dict[str, Route] = {
    PREFIX + "list": Route(binding.DATABASE_REQ, milvus_rpc.list_cred_users, _names),
    PREFIX + "describe": Route(binding.USER_REQ, milvus_rpc.select_user, _roles),
    PREFIX + "create": Route(binding.PASSWORD_REQ, milvus_rpc.create_credential, _default),
    PREFIX + "update_password": Route(binding.NEW_PASSWORD_REQ, milvus_rpc.update_credential, _default),
    PREFIX + "drop": Route(binding.USER_REQ, milvus_rpc.delete_credential, _default),
    PREFIX + "grant_role": Route(binding.USER_ROLE_REQ, milvus_rpc.add_user_to_role, _default),
    PREFIX + "revoke_role": Route(binding.USER_ROLE_REQ, milvus_rpc.remove_user_from_role, _default),
}


def request_timeout_ns(value: str | None) -> int:
    """Request-Timeout as ``time.Duration(strconv.ParseInt(v, 10, 64)) * time.Second`` (int64 wraps)."""
    v = (value or "").strip(" \t")
    digits = v[1:] if v[:1] in ("+", "-") else v
    if not digits or not digits.isascii() or not digits.isdigit():
        return DEFAULT_TIMEOUT_NS
    n = int(v)
    if not -(1 << 63) <= n < (1 << 63):
        return DEFAULT_TIMEOUT_NS  # ParseInt range error -> ignored
    ns = (n * 1_000_000_000) & ((1 << 64) - 1)
    return ns - (1 << 64) if ns >= (1 << 63) else ns


def _unauthorized(headers) -> Response:
    return Response.json(401, {"code": auth.CODE_NEED_AUTHENTICATE, "message": auth.MSG_NEED_AUTHENTICATE}, headers)


def _timeout(headers) -> Response:
    return Response.json(408, {"code": CODE_TIMEOUT, "message": "request timeout"}, headers)


def unavailable() -> Response:
    # Gateway-only: Milvus's REST layer calls its proxy in-process and cannot lose it.
    return Response(503, [("Content-Type", "text/plain; charset=utf-8")], b"milvus unavailable")


class Engine:
    def __init__(
        self, rpc: milvus_rpc.MilvusRpc, authorization_enabled: bool, standard_error_status: bool = False
    ) -> None:
        self.rpc = rpc
        self.authorization_enabled = authorization_enabled
        self.standard_error_status = standard_error_status  # PR #53092's statuses (error_status.py)

    def _error(self, code: int, message: str, headers) -> Response:
        """A business error: HTTP 200 (Milvus's convention), or its standard status."""
        return Response.json(
            error_status(code, self.standard_error_status), {"code": code, "message": message}, headers
        )

    def _authenticate(self, header: str | None, headers: list) -> tuple[bool, bytes | None]:
        attempt = auth.parse_authorization(header)
        if attempt.basic:
            headers.append(("Www-Authenticate", auth.WWW_AUTHENTICATE))
        if attempt.user_token and self.rpc.verify(attempt.user_token):
            return True, attempt.user_token
        if attempt.api_key and self.rpc.verify(attempt.api_key):
            return True, attempt.api_key
        return False, None

    def handle(self, method: str, path: str, query: str | None, header, body: bytes) -> Response:
        """``header(name)`` returns the first value of a request header or None."""
        route = ROUTES.get(path) if method == "POST" else None
        if route is None and method == "POST" and path.endswith("/") and path[:-1] in ROUTES:
            location = path[:-1] + ("?" + query if query is not None else "")
            return Response(307, [("Location", location)])
        headers = list(CORS_HEADERS)
        if method == "OPTIONS":
            return Response(204, headers)
        token = None
        if self.authorization_enabled:
            try:
                ok, token = self._authenticate(header("Authorization"), headers)
            except milvus_rpc.MilvusUnavailable:
                return unavailable()
            if not ok:
                return _unauthorized(headers)
        if route is None:
            return Response(404, headers + [("Content-Type", "text/plain")], b"404 page not found")
        return self._serve(route, token, header("Request-Timeout"), body, headers)

    def _serve(self, route: Route, token, timeout_header, body: bytes, headers) -> Response:
        timeout_ns = request_timeout_ns(timeout_header)
        if timeout_ns <= 0:
            return _timeout(headers)
        deadline = time.monotonic() + timeout_ns / 1e9
        try:
            values = binding.bind(route.spec, body)
        except binding.BindError as e:
            return self._error(e.code, e.message, headers)
        db_name = values.get("dbName") or "default"
        method, request = route.build(values)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return _timeout(headers)
        try:
            resp = self.rpc.call(method, request, token, remaining, db_name)
        except grpc.RpcError as e:
            return self._rpc_error(e, headers)
        status = (
            resp
            if method in ("CreateCredential", "UpdateCredential", "DeleteCredential", "OperateUserRole")
            else resp.status
        )
        err = milvus_rpc.status_error(status)
        if err is not None:
            return self._error(err[0], err[1], headers)
        return Response.json(200, {"code": 0, "data": route.result(resp, values)}, headers)

    def _rpc_error(self, e: grpc.RpcError, headers) -> Response:
        code = e.code()
        if code == grpc.StatusCode.PERMISSION_DENIED:
            # checkAuthorizationV2: 403, merr.Code(non-merr error) = 65535, message = err.Error()
            return Response.json(
                403, {"code": milvus_rpc.CODE_UNEXPECTED, "message": milvus_rpc.go_status_error_string(e)}, headers
            )
        if code == grpc.StatusCode.UNAUTHENTICATED:
            return _unauthorized(headers)
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            return _timeout(headers)
        if code == grpc.StatusCode.UNAVAILABLE:
            return unavailable()
        # wrapperProxy: any other error -> HTTP 200, merr.Code(err) (65535 for a gRPC error), err.Error()
        return self._error(milvus_rpc.CODE_UNEXPECTED, milvus_rpc.go_status_error_string(e), headers)
