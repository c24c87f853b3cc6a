"""The fault catalogue, as data: each fault is one small, named transformation of the REST traffic
and the ONE requirement (specs/requirements.yaml) a target showing it violates.

A transformation sees one request and the proxy's `Context` (forward more requests, the admin's
token, the profile's limits):
    request_transform(req, ctx)        -> Req (forwarded instead) or Resp (answered, not forwarded)
    response_transform(req, resp, ctx) -> Resp (answered instead)
Faults touch users/create only, unless they say otherwise, so that the routes a case verifies with
(list, describe) stay honest. SDK faults (gRPC) are in grpc_faults.py; `all_faults()` has both.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from milvus_conformance.faults.proxy import CREATE, DROP, Req, Resp

USERS = "/v2/vectordb/users/"
VALID_PASSWORD = "Aa1!faultpw"    # valid under every profile
OK = {"code": 0, "data": {}}


@dataclass(frozen=True)
class Fault:
    name: str
    requirement: str
    description: str
    request_transform: Callable | None = None
    response_transform: Callable | None = None
    applies: Callable | None = None         # profile -> bool; None: every profile
    surface: str = "rest"                   # "rest" (HTTP proxy) or "sdk" (gRPC proxy)
    needs_fill: bool = False                # only killable by the user-cap case (--fill-server)

    def applies_to(self, profile) -> bool:
        return self.applies is None or profile is None or bool(self.applies(profile))


# ---- small predicates and builders ---------------------------------------------------------------
def body(req: Req) -> dict | None:
    b = req.json()
    return b if isinstance(b, dict) else None


def is_ok(resp: Resp) -> bool:
    return resp.status == 200 and type(resp.code) is int and resp.code == 0


def is_error(resp: Resp) -> bool:
    return isinstance(resp.json(), dict) and resp.code not in (0, None)


def says(text: str) -> Callable[[Resp], bool]:
    """An error answer whose message contains `text`."""
    return lambda resp: is_error(resp) and text in str(resp.json().get("message", ""))


is_duplicate, is_cap = says("already exist"), says("reached the limit")


def on_create_answer(when: Callable[[Resp], bool], change: Callable[[Resp], Resp]):
    """A response transform: `change` the answer of a create when `when` holds."""
    return lambda req, resp, ctx: change(resp) if req.path == CREATE and when(resp) else resp


# one-line builders: a fixed answer; an error answer edited; the UTF-8 size / a cut at n bytes
answer = lambda obj, status=200: lambda resp: resp.with_json(obj, status)                  # noqa: E731
edit_error = lambda fn: lambda resp: resp.with_json(fn(dict(resp.json())))                  # noqa: E731
nbytes = lambda text: len(text.encode("utf-8"))                                             # noqa: E731
cut = lambda text, n: text.encode("utf-8")[:n].decode("utf-8", "ignore")                    # noqa: E731


def code_map(old: int, new: int):
    return on_create_answer(lambda r: r.code == old and type(r.code) is int,
                            edit_error(lambda b: {**b, "code": new}))


def status_map(old: int, new: int, everywhere: bool = False):
    def transform(req, resp, ctx):
        hit = resp.status == old and (everywhere or req.path == CREATE)
        return replace(resp, status=new) if hit else resp
    return transform


def on_create_field(key: str, when: Callable, change: Callable):
    """A request transform: rewrite body[key] of a create when `when(value, ctx)` holds."""
    def transform(req: Req, ctx):
        b = body(req) if req.path == CREATE else None
        if b is None or not isinstance(b.get(key), str) or not when(b[key], ctx):
            return req
        return req.with_json({**b, key: change(b[key], ctx)})
    return transform


def pw_len(text: str, ctx) -> int:
    return nbytes(text) if ctx.limit("password.length_unit", "bytes") == "bytes" else len(text)


def classes(text: str) -> int:
    from milvus_conformance.contract.rules import character_classes
    return len(character_classes(text))


def retry_as_admin(status: int):
    """Bypass: a create refused with `status` is sent again with the admin's token."""
    return lambda req, resp, ctx: ctx.forward(ctx.as_admin(req)) \
        if req.path == CREATE and resp.status == status and ctx.admin_token else resp


def refuse_create(when: Callable[[Req], bool], code: int, message: str):
    return lambda req, ctx: Resp.of_json(200, {"code": code, "message": message}) \
        if req.path == CREATE and when(req) else req


def _not_created(req, resp, ctx):
    b = body(req)
    if req.path == CREATE and is_ok(resp) and b and isinstance(b.get("userName"), str):
        ctx.drop_user(b["userName"])       # the create happened; undo it, answer success anyway
    return resp


def _overwrite(req, resp, ctx):
    b = body(req)
    if req.path == CREATE and is_duplicate(resp) and b:
        ctx.drop_user(b["userName"])
        return ctx.forward(req)
    return resp


def _drop_unknown_refused(req, ctx):
    b = body(req) if req.path == DROP else None
    if b is None or not isinstance(b.get("userName"), str):
        return req
    listing = ctx.forward(ctx.as_admin(Req("POST", USERS + "list", [("Content-Type", "application/json")], b"{}")))
    names = listing.json().get("data") if isinstance(listing.json(), dict) else None
    if isinstance(names, list) and b["userName"] not in names:
        return Resp.of_json(200, {"code": 65535, "message": f"user not found: {b['userName']}"})
    return req


def _drop_root(req, ctx):
    b = body(req) if req.path == DROP else None
    return Resp.of_json(200, OK) if b and b.get("userName") == "root" else req


def _tokens_split_last(req, ctx):
    token = (req.header("Authorization") or "").removeprefix("Bearer ")
    if req.path.startswith(USERS) and token.count(":") > 1:
        return Resp.of_json(401, {"code": 1800, "message": "user hasn't authenticated"})
    return req


def _as_post(req, ctx):
    return replace(req, method="POST") if req.path == CREATE and req.method != "POST" else req


def _no_slash(req, ctx):
    return replace(req, target=CREATE + req.target[len(CREATE) + 1:]) if req.path == CREATE + "/" else req


def _strip_timeout(req, ctx):
    return req.with_header("Request-Timeout", None) if req.path == CREATE else req


def _bad_timeout(req):
    return not (req.header("Request-Timeout") or "0").strip().lstrip("+-").isdigit()


def _text_ct(req, resp, ctx):
    hit = req.path == CREATE and "json" in resp.content_type.lower()
    return resp.with_header("Content-Type", "text/plain; charset=utf-8") if hit else resp


def _default_password(req, ctx):
    b = body(req) if req.path == CREATE else None
    if b and isinstance(b.get("userName"), str) and b["userName"] and b.get("password") in (None, ""):
        return req.with_json({**b, "password": VALID_PASSWORD})
    return req


def _invalid_name_chars(name: str) -> str:
    return name[:1] + "".join(c for c in name[1:] if c.isascii() and (c.isalnum() or c == "_"))


_has_class_rule = lambda p: (p["password.min_classes"] or 0) > 0                            # noqa: E731


def _describe_data_object(req, resp, ctx):
    if req.path == USERS + "describe" and is_ok(resp):
        return Resp.of_json(200, {"code": 0, "data": {}})
    return resp


def _update_password_ignored(req, ctx):
    return Resp.of_json(200, OK) if req.path == USERS + "update_password" else req


def rq(name, requirement, description, transform, **kw) -> Fault:
    return Fault(name, requirement, description, request_transform=transform, **kw)


def rs(name, requirement, description, transform, **kw) -> Fault:
    return Fault(name, requirement, description, response_transform=transform, **kw)


R = "USER-CREATE-"          # requirement IDs below are R + the rest, e.g. R + "DUPLICATE"
NAME_MAX, PW_MIN, PW_MAX = "user_name.max_length", "password.min_length", "password.max_length"
BASIC = lambda r: (r.header("Authorization") or "").lower().startswith("basic ")     # noqa: E731
FEW_CLASSES = lambda r: isinstance((body(r) or {}).get("password"), str) \
    and 0 < classes(body(r)["password"]) < 3                                        # noqa: E731
FAULTS: list[Fault] = [
    # ---- the success envelope ----
    rs("success-code-string", R + "SUCCESS-ENVELOPE", 'a successful create answers "code": "0" (a string)',
       on_create_answer(is_ok, answer({"code": "0", "data": {}}))),
    rs("success-code-200", R + "SUCCESS-ENVELOPE", "a successful create answers code 200 instead of 0",
       on_create_answer(is_ok, answer({"code": 200, "data": {}}))),
    rs("success-data-dropped", R + "SUCCESS-ENVELOPE", "a successful create answers without the data key",
       on_create_answer(is_ok, answer({"code": 0}))),
    rs("success-data-list", R + "SUCCESS-ENVELOPE", "a successful create answers data: [] instead of {}",
       on_create_answer(is_ok, answer({"code": 0, "data": []}))),
    rs("success-data-null", R + "SUCCESS-ENVELOPE", "a successful create answers data: null",
       on_create_answer(is_ok, answer({"code": 0, "data": None}))),
    rs("success-not-json", R + "SUCCESS-ENVELOPE", "a successful create answers a non-JSON body",
       on_create_answer(is_ok, lambda r: replace(r, body=b"success"))),
    # ---- the error envelope ----
    rs("error-message-missing", R + "ERROR-ENVELOPE", "create errors carry no message",
       on_create_answer(is_error, edit_error(lambda b: {k: v for k, v in b.items() if k != "message"}))),
    rs("error-message-not-string", R + "ERROR-ENVELOPE", "create errors carry a message that is a list",
       on_create_answer(is_error, edit_error(lambda b: {**b, "message": [b.get("message")]}))),
    rs("error-code-string", R + "ERROR-ENVELOPE", 'create errors carry the code as a string ("1100")',
       on_create_answer(is_error, edit_error(lambda b: {**b, "code": str(b["code"])}))),
    # ---- error codes and HTTP statuses ----
    rs("code-1100-to-65535", R + "NAME-CHARSET", "invalid-value errors (1100) answer 65535", code_map(1100, 65535)),
    rs("code-1801-to-1802", R + "MALFORMED-BODY", "malformed-body errors (1801) answer 1802", code_map(1801, 1802)),
    rs("code-1802-to-1801", R + "BODY-FIELDS", "missing-field errors (1802) answer 1801", code_map(1802, 1801)),
    rs("duplicate-code-0", R + "DUPLICATE", "a duplicate create (65535) answers code 0",
       on_create_answer(is_duplicate, answer(OK))),
    rs("duplicate-code-1100", R + "DUPLICATE", "a duplicate create answers 1100 instead of the profile's code",
       on_create_answer(is_duplicate, edit_error(lambda b: {**b, "code": 1100}))),
    rs("duplicate-overwrites", R + "DUPLICATE", "a duplicate create replaces the user (new password), answers success",
       _overwrite),
    rs("auth-401-to-200", R + "AUTH-REQUIRED", "an unauthenticated create answers HTTP 200 (body still code 1800)",
       status_map(401, 200)),
    rs("permission-403-to-200", R + "PERMISSION", "a create without the privilege answers HTTP 200 (body unchanged)",
       status_map(403, 200)),
    rs("unknown-route-404-to-405", R + "UNKNOWN-ROUTE", "404 answers (any path) become 405",
       status_map(404, 405, everywhere=True)),
    rs("timeout-408-to-200", R + "REQUEST-TIMEOUT", "a timed-out create answers HTTP 200 (body unchanged)",
       status_map(408, 200)),
    # ---- authentication and permission ----
    rs("auth-bypass", R + "AUTH-REQUIRED", "a create with missing or wrong credentials is redone as the admin",
       retry_as_admin(401)),
    rs("permission-bypass", R + "PERMISSION", "a create by a non-admin is redone with the admin's token",
       retry_as_admin(403)),
    rq("basic-auth-refused", R + "AUTH-BASIC", "a create with HTTP Basic credentials answers 401/1800",
       refuse_create(BASIC, 1800, "user hasn't authenticated")),
    rq("token-split-last-colon", R + "AUTH-TOKEN-FORMAT", "user routes: a token with 2+ colons is split at the last "
       "colon (answers 401)", _tokens_split_last),
    # ---- length boundaries (off by one) ----
    rq("name-over-max-accepted", R + "NAME-LENGTH", "a userName over the maximum (33 bytes) is cut to it and created",
       on_create_field("userName", lambda v, c: nbytes(v) > c.limit(NAME_MAX, 32),
                       lambda v, c: cut(v, c.limit(NAME_MAX, 32)))),
    rq("password-over-max-accepted", R + "PASSWORD-LENGTH", "a password over the maximum (73 bytes) is cut to it",
       on_create_field("password", lambda v, c: pw_len(v, c) > c.limit(PW_MAX, 72),
                       lambda v, c: cut(v, c.limit(PW_MAX, 72)))),
    rq("password-under-min-accepted", R + "PASSWORD-LENGTH", "a password under the minimum (5 bytes) is padded to it",
       on_create_field("password", lambda v, c: 0 < pw_len(v, c) < c.limit(PW_MIN, 6),
                       lambda v, c: v + "a" * (c.limit(PW_MIN, 6) - pw_len(v, c)))),
    rq("missing-password-defaulted", R + "BODY-FIELDS", "a create without a password (or an empty one) gets a default",
       _default_password),
    # ---- name and password rules ----
    rq("name-first-char-accepted", R + "NAME-FIRST-CHAR", "a userName not starting with a letter gets an A first",
       on_create_field("userName", lambda v, c: v and not (v[0].isascii() and v[0].isalpha()),
                       lambda v, c: "A" + v[1:])),
    rq("name-charset-accepted", R + "NAME-CHARSET", "forbidden characters in a userName are silently removed",
       on_create_field("userName", lambda v, c: _invalid_name_chars(v) != v, lambda v, c: _invalid_name_chars(v))),
    rq("name-case-folded", R + "NAME-CASE", "userName is lower-cased before the create",
       on_create_field("userName", lambda v, c: v != v.lower(), lambda v, c: v.lower())),
    rq("class-rule-ignored", R + "PASSWORD-CLASSES", "a password with too few classes is made valid (profiles with a "
       "class rule only)", on_create_field("password", lambda v, c: classes(v) < c.limit("password.min_classes", 0),
                                           lambda v, c: v + "Aa1!"), applies=_has_class_rule),
    rq("class-rule-imposed", R + "PASSWORD-CLASSES", "a password with fewer than 3 classes is refused (1100) where the "
       "profile has no class rule", refuse_create(FEW_CLASSES, 1100, "invalid password"),
       applies=lambda p: not _has_class_rule(p)),
    # ---- state ----
    rs("user-not-created", R + "SEMANTICS", "a create answers success but the user is dropped right after",
       _not_created),
    rq("created-other-name", R + "SEMANTICS", 'the user is created with "x" appended to userName',
       on_create_field("userName", lambda v, c: bool(v), lambda v, c: v + "x")),
    rq("created-other-password", R + "SEMANTICS", 'the user is created with "x" appended to the password',
       on_create_field("password", lambda v, c: bool(v), lambda v, c: v + "x")),
    rs("user-cap-ignored", R + "USER-CAP", "a create over the user limit answers code 0 (creates nothing)",
       on_create_answer(is_cap, answer(OK)), needs_fill=True),
    rq("drop-root-accepted", "USER-DROP-ENVELOPE", "users/drop of root answers success (not forwarded)", _drop_root),
    rs("describe-data-object", "USER-DESCRIBE-ENVELOPE", "users/describe answers data as an object, not "
       "the list of role names", _describe_data_object),
    rq("update-password-ignored", "USER-UPDATE-PASSWORD-ENVELOPE", "users/update_password answers success "
       "without changing the password", _update_password_ignored),
    rq("drop-unknown-refused", "USER-DROP-ENVELOPE", "users/drop of a user that does not exist answers 65535",
       _drop_unknown_refused),
    rq("drop-noop", "USER-DROP-SEMANTICS", "users/drop answers success and drops nothing (not forwarded)",
       lambda req, ctx: Resp.of_json(200, OK) if req.path == DROP else req),
    # ---- headers, methods, routes, body ----
    rs("content-type-text", R + "CONTENT-TYPE", "JSON answers of create carry Content-Type text/plain", _text_ct),
    rq("request-content-type-enforced", R + "CONTENT-TYPE", "a create without Content-Type application/json answers "
       "1801", refuse_create(lambda r: "application/json" not in (r.header("Content-Type") or ""), 1801,
                             "can only accept json format request")),
    rq("wrong-method-accepted", R + "UNKNOWN-ROUTE", "any method on the create route is forwarded as POST", _as_post),
    rq("trailing-slash-accepted", R + "UNKNOWN-ROUTE", "POST .../users/create/ is forwarded to .../users/create",
       _no_slash),
    rq("timeout-ignored", R + "REQUEST-TIMEOUT", "the Request-Timeout header is stripped (the create answers normally)",
       _strip_timeout),
    rq("timeout-unparsable-refused", R + "REQUEST-TIMEOUT", "a create with an unparsable Request-Timeout answers 1100",
       refuse_create(lambda r: r.header("Request-Timeout") is not None and _bad_timeout(r), 1100,
                     "invalid Request-Timeout")),
    rq("unknown-field-rejected", R + "UNKNOWN-FIELDS", "a create body with an unknown field answers 1801",
       refuse_create(lambda r: bool(set(body(r) or {}) - {"userName", "password"}), 1801, "unknown field")),
]


def all_faults() -> list[Fault]:
    """REST faults, then SDK (gRPC) faults."""
    from milvus_conformance.faults.grpc_faults import SDK_FAULTS

    return FAULTS + SDK_FAULTS


def by_name(name: str) -> Fault:
    for fault in all_faults():
        if fault.name == name:
            return fault
    raise KeyError(f"no fault named {name!r}; known: {', '.join(f.name for f in all_faults())}")
