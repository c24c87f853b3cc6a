"""The REST faults' transformations (faults/rest_faults.py names them). Each sees one request and
the HTTP proxy's context (forward more requests upstream, the admin's token, the profile's values):
    request_transform(req, ctx)        -> Req (forwarded instead) or Resp (answered, not forwarded)
    response_transform(req, resp, ctx) -> Resp (answered instead)
    around(req, ctx, send)             -> Resp (send(req) forwards; both sides of one exchange)
They touch users/create only, unless they say otherwise, so that the routes a case verifies with
(list, describe) stay honest."""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import Callable

from milvus_conformance.contract.rules import character_classes
from milvus_conformance.faults import limits
from milvus_conformance.faults.model import CREATE, DROP, USERS, Req, Resp

VALID_PASSWORD = "Aa1!faultpw"  # valid under every profile
OK = {"code": 0, "data": {}}
MOVED_CREATE = USERS + "add"  # where `create-route-moved` serves the create instead
NOT_FOUND = Resp(404, [("Content-Type", "text/plain")], b"404 page not found")


# ---- predicates --------------------------------------------------------------------------------------
def body(req: Req) -> dict | None:
    b = req.json()
    return b if isinstance(b, dict) else None


def create_field(req: Req, key: str) -> str | None:
    b = body(req) if req.path == CREATE else None
    return b[key] if b is not None and isinstance(b.get(key), str) else None


def is_ok(resp: Resp) -> bool:
    return resp.status == 200 and type(resp.code) is int and resp.code == 0


def is_error(resp: Resp) -> bool:
    return isinstance(resp.json(), dict) and resp.code not in (0, None)


def says(text: str) -> Callable[[Resp], bool]:
    """An error answer whose message contains `text`."""
    return lambda resp: is_error(resp) and text in str(resp.json().get("message", ""))


is_duplicate, is_cap = says("already exist"), says("reached the limit")


def is_basic(req: Req) -> bool:
    return (req.header("Authorization") or "").lower().startswith("basic ")


def few_classes(req: Req) -> bool:
    password = (body(req) or {}).get("password")
    return isinstance(password, str) and 0 < len(character_classes(password)) < 3


def has_class_rule(profile) -> bool:
    return (profile["password.min_classes"] or 0) > 0


def bad_timeout(req: Req) -> bool:
    return not (req.header("Request-Timeout") or "0").strip().lstrip("+-").isdigit()


def password_counts_bytes(profile) -> bool:
    return profile["password.length_unit"] == "bytes"


# ---- builders ------------------------------------------------------------------------------------------
def answer(obj, status: int = 200) -> Callable[[Resp], Resp]:
    return lambda resp: resp.with_json(obj, status)


def edit_error(fn) -> Callable[[Resp], Resp]:
    return lambda resp: resp.with_json(fn(dict(resp.json())))


def on_create_answer(when: Callable[[Resp], bool], change: Callable[[Resp], Resp]):
    """A response transform: `change` the answer of a create when `when` holds."""
    return lambda req, resp, ctx: change(resp) if req.path == CREATE and when(resp) else resp


def code_map(old: int, new: int):
    return on_create_answer(lambda r: r.code == old and type(r.code) is int, edit_error(lambda b: {**b, "code": new}))


def status_map(old: int, new: int, everywhere: bool = False):
    def transform(req, resp, ctx):
        hit = resp.status == old and (everywhere or req.path == CREATE)
        return replace(resp, status=new) if hit else resp

    return transform


def on_create_field(key: str, when: Callable, change: Callable):
    """A request transform: rewrite body[key] of a create when `when(value, ctx)` holds."""

    def transform(req: Req, ctx):
        value = create_field(req, key)
        if value is None or not when(value, ctx):
            return req
        return req.with_json({**body(req), key: change(value, ctx)})

    return transform


def refuse_create(when: Callable[[Req], bool], code: int, message: str):
    return lambda req, ctx: (
        Resp.of_json(200, {"code": code, "message": message}) if req.path == CREATE and when(req) else req
    )


def refuse_create_as(kind: str, message: str, when: Callable[[str, object], bool], key: str = "password"):
    """Refuse a create whose body[key] satisfies `when(value, ctx)` with the profile's `kind` code."""

    def transform(req: Req, ctx):
        value = create_field(req, key)
        if value is None or not when(value, ctx):
            return req
        code = (ctx.limit(f"rest.outcome.{kind}") or {}).get("code")
        return Resp.of_json(200, {"code": code if type(code) is int else 65535, "message": message})

    return transform


def retry_as_admin(status: int):
    """Bypass: a create refused with `status` is sent again with the admin's token."""
    return lambda req, resp, ctx: (
        ctx.forward(ctx.as_admin(req)) if req.path == CREATE and resp.status == status and ctx.admin_token else resp
    )


# ---- transformations with a body of their own ------------------------------------------------------------
def not_created(req, resp, ctx):
    name = create_field(req, "userName")
    if is_ok(resp) and name is not None:
        ctx.drop_user(name)  # the create happened; undo it, answer success anyway
    return resp


def overwrite(req, resp, ctx):
    if req.path == CREATE and is_duplicate(resp) and body(req):
        ctx.drop_user(body(req)["userName"])
        return ctx.forward(req)
    return resp


def drop_unknown_refused(req, ctx):
    b = body(req) if req.path == DROP else None
    if b is None or not isinstance(b.get("userName"), str):
        return req
    listing = ctx.forward(ctx.as_admin(Req("POST", USERS + "list", [("Content-Type", "application/json")], b"{}")))
    names = listing.json().get("data") if isinstance(listing.json(), dict) else None
    if isinstance(names, list) and b["userName"] not in names:
        return Resp.of_json(200, {"code": 65535, "message": f"user not found: {b['userName']}"})
    return req


def drop_noop(req, ctx):
    """users/drop answers success and drops nothing (not forwarded)."""
    return Resp.of_json(200, OK) if req.path == DROP else req


def drop_root(req, ctx):
    b = body(req) if req.path == DROP else None
    return Resp.of_json(200, OK) if b and b.get("userName") == "root" else req


def tokens_split_last(req, ctx):
    token = (req.header("Authorization") or "").removeprefix("Bearer ")
    if req.path.startswith(USERS) and token.count(":") > 1:
        return Resp.of_json(401, {"code": 1800, "message": "user hasn't authenticated"})
    return req


def as_post(req, ctx):
    return replace(req, method="POST") if req.path == CREATE and req.method != "POST" else req


def no_slash(req, ctx):
    return replace(req, target=CREATE + req.target[len(CREATE) + 1 :]) if req.path == CREATE + "/" else req


def route_moved(req, ctx):
    """The create answers only under another path: the documented one is an unknown route."""
    if req.path == CREATE:
        return NOT_FOUND
    if req.path == MOVED_CREATE:
        return replace(req, target=CREATE + req.target[len(MOVED_CREATE) :])
    return req


def strip_timeout(req, ctx):
    return req.with_header("Request-Timeout", None) if req.path == CREATE else req


def text_content_type(req, resp, ctx):
    hit = req.path == CREATE and "json" in resp.content_type.lower()
    return resp.with_header("Content-Type", "text/plain; charset=utf-8") if hit else resp


def default_password(req, ctx):
    b = body(req) if req.path == CREATE else None
    if b and isinstance(b.get("userName"), str) and b["userName"] and b.get("password") in (None, ""):
        return req.with_json({**b, "password": VALID_PASSWORD})
    return req


def valid_name_chars(name: str) -> str:
    return name[:1] + "".join(c for c in name[1:] if c.isascii() and (c.isalnum() or c == "_"))


def describe_data_object(req, resp, ctx):
    if req.path == USERS + "describe" and is_ok(resp):
        return Resp.of_json(200, {"code": 0, "data": {}})
    return resp


def list_omits_created(req, resp, ctx):
    """users/list leaves out the users created through this proxy."""
    data = resp.json().get("data") if req.path == USERS + "list" and is_ok(resp) else None
    if not isinstance(data, list):
        return resp
    return resp.with_json({**resp.json(), "data": [n for n in data if n not in ctx.created]})


def update_password_ignored(req, ctx):
    return Resp.of_json(200, OK) if req.path == USERS + "update_password" else req


def auth_not_enforced(req, ctx):
    """No authentication at all: every request runs as the admin, whatever it carries."""
    return ctx.as_admin(req) if req.path.startswith("/v2/") and ctx.admin_token else req


# ---- passwords as a truncating server compares them -------------------------------------------------------
def _with_token_password(token: str, change: Callable[[str], str]) -> str:
    user, colon, password = token.partition(":")
    return user + colon + change(password) if colon else token


def _authorization(value: str, change: Callable[[str], str]) -> str:
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() == "bearer":
        return f"{scheme} {_with_token_password(credentials, change)}"
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except ValueError:
            return value
        return f"{scheme} {base64.b64encode(_with_token_password(decoded, change).encode()).decode()}"
    return value


def passwords_as_stored(change: Callable[[str, object], str]):
    """Every password the proxy sees - a create's, update_password's, and the one in each
    Authorization header - is replaced by `change(password, ctx)`: a server that stores and
    compares only part of a password, consistently, so the user still authenticates."""
    fields = {CREATE: ("password",), USERS + "update_password": ("oldPassword", "newPassword")}

    def transform(req: Req, ctx):
        auth = req.header("Authorization")
        if auth:
            req = req.with_header("Authorization", _authorization(auth, lambda p: change(p, ctx)))
        b = body(req) if req.path in fields else None
        if b is not None:
            edited = {k: change(v, ctx) for k, v in b.items() if k in fields[req.path] and isinstance(v, str)}
            req = req.with_json({**b, **edited}) if edited else req
        return req

    return transform


# ---- a race: creates of one name that overlap in time ------------------------------------------------------
def concurrent_duplicates_succeed(req, ctx, send):
    """A check-then-insert race: a create that overlapped another create of the same name and was
    refused as a duplicate answers success (two clients both believe they created the user)."""
    name = create_field(req, "userName")
    if name is None:
        return send(req)
    resp, overlapped = ctx.send_tracking_overlap(name, lambda: send(req))
    return Resp.of_json(200, OK) if overlapped and is_duplicate(resp) else resp


# ---- named field rewrites (the `on_create_field` faults) -----------------------------------------------
def name_over_max(name, ctx):
    return limits.nbytes(name) > limits.limit(ctx, limits.NAME_MAX)


def cut_name_to_max(name, ctx):
    return limits.cut(name, limits.limit(ctx, limits.NAME_MAX))


def password_over_max(password, ctx):
    return limits.pw_len(password, ctx) > limits.limit(ctx, limits.PW_MAX)


def cut_password_to_max(password, ctx):
    return limits.cut(password, limits.limit(ctx, limits.PW_MAX))


def password_under_min(password, ctx):
    return 0 < limits.pw_len(password, ctx) < limits.limit(ctx, limits.PW_MIN)


def pad_password_to_min(password, ctx):
    return password + "a" * (limits.limit(ctx, limits.PW_MIN) - limits.pw_len(password, ctx))


def first_char_not_letter(name, ctx):
    return bool(name) and not (name[0].isascii() and name[0].isalpha())


def letter_first(name, ctx):
    return "A" + name[1:]


def has_forbidden_chars(name, ctx):
    return valid_name_chars(name) != name


def drop_forbidden_chars(name, ctx):
    return valid_name_chars(name)


def has_upper(name, ctx):
    return name != name.lower()


def lower(name, ctx):
    return name.lower()


def too_few_classes(password, ctx):
    return len(character_classes(password)) < ctx.limit("password.min_classes", 0)


def add_classes(password, ctx):
    return password + "Aa1!"


def non_empty(value, ctx):
    return bool(value)


def append_x(value, ctx):
    return value + "x"


def has_unknown_field(req):
    return bool(set(body(req) or {}) - {"userName", "password"})


def no_json_content_type(req):
    return "application/json" not in (req.header("Content-Type") or "")


def unparsable_timeout(req):
    return req.header("Request-Timeout") is not None and bad_timeout(req)
