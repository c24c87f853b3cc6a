"""The credential faults, on REST (HTTP proxy) and the SDK (gRPC proxy): servers whose users cannot
be trusted to be exactly what was created - a credential cache that keeps a password after
update_password or a drop, a re-created name that keeps its old password, a login layer that trims or
folds the case of a name, password code that stops at a NUL byte (C strings), trims or normalises,
and name code that stores a name cut at its first control character. Each violates ONE requirement
(written out in full); what they remember of the users is faults/credential_book.py."""

from __future__ import annotations

import base64

from milvus_conformance.faults import credential_book as cb
from milvus_conformance.faults import rest_transforms as t
from milvus_conformance.faults import sdk_transforms as s
from milvus_conformance.faults.model import CREATE, DROP, USERS, Fault

UPDATE = USERS + "update_password"


# ---- REST: what went through the proxy -------------------------------------------------------------------
def _note_rest(req, resp, ctx) -> None:
    b = t.body(req) or {}
    user = b.get("userName")
    if not t.is_ok(resp) or not isinstance(user, str):
        return
    book = cb.book(ctx)
    with ctx.lock:
        if req.path == CREATE and isinstance(b.get("password"), str):
            book.created(user, b["password"])
        elif req.path == UPDATE and isinstance(b.get("newPassword"), str):
            book.updated(user, b.get("password"), b["newPassword"])
        elif req.path == DROP:
            book.dropped_user(user)


def _rest_noting(before):
    """An `around`: `before(req, ctx)` rewrites the request, then it is sent and noted."""

    def around(req, ctx, send):
        req = before(req, ctx)
        resp = send(req)
        _note_rest(req, resp, ctx)
        return resp

    return around


def _stale_as_admin(req, ctx):
    creds = cb.from_authorization(req.header("Authorization"))
    with ctx.lock:
        stale = creds is not None and cb.book(ctx).stale(*creds)
    return ctx.as_admin(req) if stale and ctx.admin_token else req


def _recreate_with_old_password(req, ctx):
    name = t.create_field(req, "userName")
    with ctx.lock:
        old = cb.book(ctx).dropped.get(name) if name is not None else None
    return req.with_json({**t.body(req), "password": old}) if old is not None else req


def _login_folded(req, ctx):
    creds = cb.from_authorization(req.header("Authorization"))
    with ctx.lock:
        match = cb.book(ctx).folded_match(creds[0]) if creds else None
    return req.with_header("Authorization", cb.basic_authorization(match, creds[1])) if match else req


def rest(name: str, requirement: str, description: str, **hooks) -> Fault:
    return Fault(name, requirement, description, layer="http", **hooks)


CREDENTIAL_REST_FAULTS: list[Fault] = [
    rest(
        "stale-credential-cache",
        "USER-CREDENTIAL-FRESHNESS",
        "a password replaced by update_password, or a dropped user's, "
        "keeps authenticating (a credential cache that is never invalidated)",
        around=_rest_noting(_stale_as_admin),
    ),
    rest(
        "recreate-keeps-old-password",
        "USER-RECREATE-AFTER-DROP",
        "a name dropped and created again keeps the password it had (a soft-deleted row reused)",
        around=_rest_noting(_recreate_with_old_password),
    ),
    rest(
        "login-name-folded",
        "USER-LOGIN-IDENTITY",
        "a login with a name that names nobody logs in as the user whose name "
        "equals it trimmed, cut at NUL and case-folded",
        around=_rest_noting(_login_folded),
    ),
    rest(
        "password-trimmed",
        "USER-PASSWORD-BYTES",
        "passwords are trimmed of surrounding whitespace and NUL on create, update_password and every login",
        request_transform=t.passwords_as_stored(cb.trimmed),
    ),
    rest(
        "password-cut-at-nul",
        "USER-PASSWORD-BYTES",
        "passwords end at their first NUL byte (C strings) on create, update_password and every login",
        request_transform=t.passwords_as_stored(cb.cut_at_nul),
    ),
    rest(
        "password-nfkc",
        "USER-PASSWORD-BYTES",
        "passwords are NFKC-normalised on create, update_password and every login",
        request_transform=t.passwords_as_stored(cb.nfkc),
    ),
    rest(
        "name-cut-at-control",
        "USER-NAME-STORED-EXACTLY",
        "a userName is stored cut at its first control character (C strings)",
        request_transform=t.on_create_field("userName", cb.has_control, cb.cut_at_control),
    ),
]


# ---- SDK: what went through the proxy --------------------------------------------------------------------
def _b64(value) -> str:
    return base64.b64decode(value).decode("utf-8", "replace")


def _note_grpc(method, req, out, ctx) -> None:
    if not s.ok(out):
        return
    book = cb.book(ctx)
    with ctx.lock:
        if method == s.CREATE:
            book.created(req.username, s.password_of(req))
        elif method == "UpdateCredential":
            book.updated(req.username, _b64(req.oldPassword), _b64(req.newPassword))
        elif method == "DeleteCredential":
            book.dropped_user(req.username)


def _grpc_noting(before=None):
    def around(method, req, ctx, send):
        req = before(method, req, ctx) if before is not None else req
        out = send(req)
        _note_grpc(method, req, out, ctx)
        return out

    return around


def _metadata_stale_as_admin(md, ctx):
    creds = cb.from_metadata(md)
    with ctx.lock:
        stale = creds is not None and cb.book(ctx).stale(*creds)
    return s.auth_not_enforced(md, ctx) if stale and ctx.admin_token else md


def _grpc_recreate_with_old_password(method, req, ctx):
    if method != s.CREATE:
        return req
    with ctx.lock:
        old = cb.book(ctx).dropped.get(req.username)
    return s.with_password(req, old) if old is not None else req


def _metadata_login_folded(md, ctx):
    creds = cb.from_metadata(md)
    with ctx.lock:
        match = cb.book(ctx).folded_match(creds[0]) if creds else None
    return cb.with_metadata_credentials(md, match, creds[1]) if match else md


def sdk(name: str, requirement: str, description: str, **hooks) -> Fault:
    return Fault(name, requirement, description, layer="grpc", **hooks)


TRIM_REQUEST, TRIM_METADATA = s.passwords_as_stored(cb.trimmed)
NUL_REQUEST, NUL_METADATA = s.passwords_as_stored(cb.cut_at_nul)
CREDENTIAL_SDK_FAULTS: list[Fault] = [
    sdk(
        "sdk-stale-credential-cache",
        "USER-CREDENTIAL-FRESHNESS",
        "gRPC: a password replaced by UpdateCredential, or a deleted user's, keeps authenticating",
        around=_grpc_noting(),
        metadata_transform=_metadata_stale_as_admin,
    ),
    sdk(
        "sdk-recreate-keeps-old-password",
        "USER-RECREATE-AFTER-DROP",
        "gRPC: a username deleted and created again keeps the password it had",
        around=_grpc_noting(_grpc_recreate_with_old_password),
    ),
    sdk(
        "sdk-login-name-folded",
        "USER-LOGIN-IDENTITY",
        "gRPC: credentials naming nobody authenticate as the user whose name "
        "equals theirs trimmed, cut at NUL and case-folded",
        around=_grpc_noting(),
        metadata_transform=_metadata_login_folded,
    ),
    sdk(
        "sdk-password-trimmed",
        "USER-PASSWORD-BYTES",
        "gRPC: passwords are trimmed of surrounding whitespace and NUL on "
        "CreateCredential and in every call's credentials",
        request_transform=TRIM_REQUEST,
        metadata_transform=TRIM_METADATA,
    ),
    sdk(
        "sdk-password-cut-at-nul",
        "USER-PASSWORD-BYTES",
        "gRPC: passwords end at their first NUL byte on CreateCredential and in every call's credentials",
        request_transform=NUL_REQUEST,
        metadata_transform=NUL_METADATA,
    ),
    sdk(
        "sdk-name-cut-at-control",
        "USER-NAME-STORED-EXACTLY",
        "gRPC: a username is stored cut at its first control character",
        request_transform=s.rewrite_create("username", cb.has_control, cb.cut_at_control),
    ),
]
