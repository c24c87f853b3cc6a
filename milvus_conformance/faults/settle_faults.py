"""A credential cache that takes up to about a second to see a change, on either proxy: after a
create, an update_password or a drop made through the proxy, logins as that user are answered as
the cache still believes for a while (0.6-1.0 s per change, fixed by the user's name): a new user
cannot log in yet, a changed password still works and the new one not yet, a dropped user still
can. The server behind decides everything else.

That is what a multi-proxy Milvus cluster does while a change is broadcast to the other proxies'
caches: conforming as long as the profile's settle bound (`users.settle_s`) covers it. Under a bound
that does not (the embedded profile's 0.5 s), it breaks USER-CREATE-SEMANTICS within that bound
(a created user must be able to log in), which is why it is in the fault catalogue; with a profile
whose bound covers it, the suite must pass (selftests/test_settle.py)."""

from __future__ import annotations

import base64
import time
import zlib
from dataclasses import dataclass

from milvus_conformance.faults.model import CREATE, DROP, USERS, Fault, Req, Resp

UPDATE = USERS + "update_password"
LAG_MIN_S, LAG_MAX_S = 0.6, 1.0
STALE = "#stale"  # appended to a password the stale cache refuses: a wrong one upstream
GONE = object()  # a password the cache never knew (the user did not exist)
AS_IS, ACCEPT, REFUSE = "as-is", "accept", "refuse"


def lag_of(user: str) -> float:
    """How long the cache takes to see a change of `user`: 0.6 to 1.0 s, the same every run."""
    return LAG_MIN_S + (LAG_MAX_S - LAG_MIN_S) * (zlib.crc32(user.encode("utf-8", "replace")) % 101) / 100


@dataclass(frozen=True)
class Change:
    at: float
    lag: float
    before: object  # the password the cache still holds (GONE: it does not know the user)


class StaleCache:
    """The changes the cache has not seen yet, per user (one per proxy, in ctx.state)."""

    def __init__(self):
        self.passwords: dict[str, object] = {}
        self.changes: dict[str, Change] = {}

    def changed(self, user: str, password: object) -> None:
        """`user`'s password is now `password` (GONE: dropped)."""
        before = self.passwords.get(user, GONE)
        self.changes[user] = Change(time.monotonic(), lag_of(user), before)
        if password is GONE:
            self.passwords.pop(user, None)
        else:
            self.passwords[user] = password

    def answer(self, user: str, password: str) -> str:
        """AS_IS (the cache has seen every change), ACCEPT or REFUSE (what the stale cache says)."""
        change = self.changes.get(user)
        if change is None or time.monotonic() - change.at >= change.lag:
            return AS_IS
        return ACCEPT if change.before is not GONE and password == change.before else REFUSE


def _cache(ctx) -> StaleCache:
    """The proxy's stale cache (call it holding ctx.lock)."""
    return ctx.state.setdefault("stale_cache", StaleCache())


# ---- REST (HTTP proxy) ------------------------------------------------------------------------------
def _rest_credentials(req: Req) -> tuple[str, str] | None:
    value = req.header("Authorization") or ""
    if value[:6].lower() == "basic ":
        try:
            text = base64.b64decode(value[6:].strip()).decode("utf-8")
        except ValueError:
            return None
    else:
        text = value.removeprefix("Bearer ")
    user, colon, password = text.partition(":")
    return (user, password) if colon else None


def rest_slow_cache(req: Req, ctx, send) -> Resp:
    body = req.json()
    if req.path in (CREATE, UPDATE, DROP) and isinstance(body, dict):
        resp = send(req)
        user = body.get("userName")
        if resp.status == 200 and resp.code in (0, 200) and isinstance(user, str):
            new = {CREATE: body.get("password"), UPDATE: body.get("newPassword"), DROP: GONE}[req.path]
            with ctx.lock:
                _cache(ctx).changed(user, new)
        return resp
    credentials = _rest_credentials(req)
    if credentials is not None:
        with ctx.lock:
            answer = _cache(ctx).answer(*credentials)
        if answer == ACCEPT:
            req = req.with_header("Authorization", f"Bearer {ctx.admin_token}")
        elif answer == REFUSE:
            user, password = credentials
            req = req.with_header("Authorization", f"Bearer {user}:{password}{STALE}")
    return send(req)


# ---- SDK (gRPC proxy) -------------------------------------------------------------------------------
def _b64(raw) -> str:
    return base64.b64decode(raw).decode("utf-8", "replace")


def sdk_slow_cache_calls(method, req, ctx, send):
    out = send(req)
    if (
        method in ("CreateCredential", "UpdateCredential", "DeleteCredential")
        and getattr(out, "code", None) == 0
        and getattr(out, "error_code", 0) == 0
    ):
        new = {
            "CreateCredential": lambda: _b64(req.password),
            "UpdateCredential": lambda: _b64(req.newPassword),
            "DeleteCredential": lambda: GONE,
        }[method]()
        with ctx.lock:
            _cache(ctx).changed(req.username, new)
    return out


def sdk_slow_cache_metadata(md, ctx):
    out = []
    for key, value in md:
        if key == "authorization":
            try:
                user, colon, password = _b64(value).partition(":")
            except ValueError:
                colon = ""
            if colon:
                with ctx.lock:
                    answer = _cache(ctx).answer(user, password)
                if answer == ACCEPT:
                    value = base64.b64encode((ctx.admin_token or "").encode()).decode()
                elif answer == REFUSE:
                    value = base64.b64encode(f"{user}:{password}{STALE}".encode()).decode()
        out.append((key, value))
    return out


DESCRIPTION = (
    "credential cache up to ~1 s behind: after a create, update_password or drop, logins as "
    "that user get the old answer for 0.6-1.0 s"
)
SETTLE_FAULTS = [
    Fault("slow-credential-cache", "USER-CREATE-SEMANTICS", f"REST: {DESCRIPTION}", around=rest_slow_cache),
    Fault(
        "sdk-slow-credential-cache",
        "USER-CREATE-SEMANTICS",
        f"SDK: {DESCRIPTION}",
        layer="grpc",
        around=sdk_slow_cache_calls,
        metadata_transform=sdk_slow_cache_metadata,
    ),
]
