"""The SDK faults' transformations (faults/sdk_faults.py names them), for the gRPC proxy
(faults/grpc_proxy.py). Hooks (see faults/model.py `Fault`):
    request_transform(method, msg, ctx) -> msg           (forwarded instead)
    response_transform(method, msg, out, ctx) -> out     (`out`: the response or the grpc.RpcError)
    around(method, msg, ctx, send) -> out                (send(msg) forwards)
    metadata_transform(metadata, ctx) -> metadata        (every call, before it is forwarded)
Only the user messages are decoded (grpc_proxy.PARSED); everything else passes as bytes."""

from __future__ import annotations

import base64
from typing import Callable

import grpc
from pymilvus.grpc_gen import common_pb2, milvus_pb2

from milvus_conformance.contract.rules import character_classes
from milvus_conformance.faults import limits

CREATE = "CreateCredential"
DEFAULT_PASSWORD = "Aa1!faultpw"  # valid under every profile


def ok(status) -> bool:
    return isinstance(status, common_pb2.Status) and status.code == 0 and status.error_code == common_pb2.Success


def password_of(req) -> str:
    return base64.b64decode(req.password).decode("utf-8", "replace")


def with_password(req, password: str):
    req.password = base64.b64encode(password.encode("utf-8"))
    return req


class Abort(grpc.RpcError):
    """An error the proxy answers with instead of the server's answer."""

    def __init__(self, code, details):
        self._code, self._details = code, details

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return ()


def refusal(kind: str, reason: str, ctx) -> common_pb2.Status:
    """The Status a server answers for an outcome kind, with the profile's SDK code."""
    code = (ctx.limit(f"sdk.outcome.{kind}") or {}).get("code")
    code = code if type(code) is int else 65535
    error_code = common_pb2.IllegalArgument if code == 1100 else common_pb2.UnexpectedError
    return common_pb2.Status(code=code, error_code=error_code, reason=reason)


# ---- builders ------------------------------------------------------------------------------------------
def refuse_create_as(kind: str, reason: str, when: Callable[[str, object], bool], field: str = "password"):
    """An `around`: a CreateCredential whose password (or username) satisfies `when(value, ctx)` is
    refused with the profile's `kind` outcome, and not forwarded."""

    def around(method, req, ctx, send):
        if method == CREATE:
            value = password_of(req) if field == "password" else req.username
            if when(value, ctx):
                return refusal(kind, reason, ctx)
        return send(req)

    return around


def passwords_as_stored(change: Callable[[str, object], str]):
    """(request_transform, metadata_transform): the create's password and the password in every
    call's authorization metadata replaced by `change(password, ctx)` - a server that stores and
    compares only part of a password, consistently."""

    def request(method, req, ctx):
        return with_password(req, change(password_of(req), ctx)) if method == CREATE and req.password else req

    def metadata(md, ctx):
        return [(k, _change_credentials(v, lambda p: change(p, ctx)) if k == "authorization" else v) for k, v in md]

    return request, metadata


def _change_credentials(value, change: Callable[[str], str]):
    try:
        user, colon, password = base64.b64decode(value).decode("utf-8").partition(":")
    except ValueError:
        return value
    return base64.b64encode(f"{user}{colon}{change(password)}".encode()).decode() if colon else value


def rewrite_create(field: str, when: Callable[[str, object], bool], change: Callable[[str, object], str]):
    """A request_transform: a CreateCredential's username (or password) v becomes change(v, ctx)
    when when(v, ctx) holds."""

    def request(method, req, ctx):
        if method != CREATE:
            return req
        value = password_of(req) if field == "password" else req.username
        if not when(value, ctx):
            return req
        if field == "password":
            return with_password(req, change(value, ctx))
        req.username = change(value, ctx)
        return req

    return request


def answer_without_forwarding(method_name: str, when: Callable, reply: Callable):
    """An `around`: a `method_name` call for which when(msg) holds is answered reply(msg), unsent."""

    def around(method, req, ctx, send):
        return reply(req) if method == method_name and when(req) else send(req)

    return around


# ---- transformations ------------------------------------------------------------------------------------
def is_duplicate(out) -> bool:
    return isinstance(out, common_pb2.Status) and not ok(out) and "already exist" in out.reason


def duplicate_ok(method, req, out, ctx):
    return common_pb2.Status() if method == CREATE and is_duplicate(out) else out


def code_1100_to_65535(method, req, out, ctx):
    if method == CREATE and isinstance(out, common_pb2.Status) and out.code == 1100:
        out.code = 65535
        out.error_code = common_pb2.UnexpectedError
    return out


def permission_swallowed(method, req, out, ctx):
    if method == CREATE and isinstance(out, grpc.RpcError) and out.code() == grpc.StatusCode.PERMISSION_DENIED:
        return common_pb2.Status()
    return out


def not_created(method, req, out, ctx):
    if method == CREATE and ok(out):
        ctx.drop_user(req.username)
    return out


def password_altered(method, req, ctx):
    return with_password(req, password_of(req) + "x") if method == CREATE and req.password else req


def name_cut(method, req, ctx):
    if method == CREATE and limits.nbytes(req.username) > limits.limit(ctx, limits.NAME_MAX):
        req.username = limits.cut(req.username, limits.limit(ctx, limits.NAME_MAX))
    return req


def list_omits_created(method, req, out, ctx):
    if method == "ListCredUsers" and isinstance(out, milvus_pb2.ListCredUsersResponse):
        kept = [n for n in out.usernames if n not in ctx.created]
        del out.usernames[:]
        out.usernames.extend(kept)
    return out


def error_as_rpc_error(method, req, out, ctx):
    if method == CREATE and isinstance(out, common_pb2.Status) and not ok(out):
        return Abort(grpc.StatusCode.INVALID_ARGUMENT, out.reason)  # pymilvus does not retry it
    return out


def auth_not_enforced(md, ctx):
    """No authentication at all: every call runs as the admin, whatever credentials it carries."""
    admin = base64.b64encode((ctx.admin_token or "").encode()).decode()
    return [(k, v) for k, v in md if k != "authorization"] + [("authorization", admin)]


def concurrent_duplicates_succeed(method, req, ctx, send):
    """A check-then-insert race: a CreateCredential that overlapped another of the same name and
    was refused as a duplicate answers success."""
    if method != CREATE:
        return send(req)
    out, overlapped = ctx.send_tracking_overlap(req.username, lambda: send(req))
    return common_pb2.Status() if overlapped and is_duplicate(out) else out


def first_char_not_letter(name, ctx):
    return bool(name) and not (name[0].isascii() and name[0].isalpha())


def letter_first(name, ctx):
    return "A" + name[1:]


def has_upper(name, ctx):
    return name != name.lower()


def lower(name, ctx):
    return name.lower()


def empty(value, ctx):
    return value == ""


def default_password(value, ctx):
    return DEFAULT_PASSWORD


def few_classes(password, ctx):
    return 0 < len(character_classes(password)) < 3


def has_class_rule(profile) -> bool:
    return (profile["password.min_classes"] or 0) > 0


def cap_ok(method, req, out, ctx):
    hit = method == CREATE and isinstance(out, common_pb2.Status) and "reached the limit" in out.reason
    return common_pb2.Status() if hit else out


def describe_empty(method, req, out, ctx):
    if method == "SelectUser" and isinstance(out, milvus_pb2.SelectUserResponse):
        del out.results[:]
    return out


def counts_bytes(profile) -> bool:
    return profile["password.length_unit"] == "bytes"


def drop_noop(method, req, ctx):
    """DeleteCredential of a user that does not exist instead: the server answers success."""
    if method == "DeleteCredential":
        req.username = "conformance_drop_noop_nobody"
    return req
