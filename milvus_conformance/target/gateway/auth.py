"""Authorization header handling as Milvus's REST layer does it (only when authorization is enabled).

Source: milvus-io/milvus ``internal/distributed/proxy/service.go`` (``authenticate``, a gin
middleware registered with ``ginHandler.Use`` so it runs for every request that reaches gin's
handler chain, including 404s) and ``httpserver/utils.go``:

    func ParseUsernamePassword(c) (string, string, bool) {
        username, password, ok := c.Request.BasicAuth()
        if !ok {
            token := GetAuthorization(c)              // header with a "Bearer " prefix trimmed
            i := strings.IndexAny(token, ":")         // FIRST colon: passwords may hold colons
            if i != -1 { username = token[:i]; password = token[i+1:] }
        } else {
            c.Header("WWW-Authenticate", `Basic realm="restricted", charset="UTF-8"`)
        }
        return username, password, username != "" && password != ""
    }

    authenticate: if ok && PasswordVerify(username, password) -> pass
                  rawToken := GetAuthorization(c)
                  if rawToken != "" && no ":" in rawToken && VerifyAPIKey(rawToken) ok -> pass
                  else 401 {"code": 1800, "message": "user hasn't authenticated"}

The gateway cannot verify passwords or API keys itself: it asks the real server (see
``milvus_rpc.MilvusRpc.verify``) with exactly the credentials the caller sent. Everything is kept
as bytes, because Go strings are bytes and the token is forwarded base64-encoded.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

CODE_NEED_AUTHENTICATE = 1800  # merr.ErrNeedAuthenticate
MSG_NEED_AUTHENTICATE = "user hasn't authenticated"
WWW_AUTHENTICATE = 'Basic realm="restricted", charset="UTF-8"'


@dataclass(frozen=True)
class AuthAttempt:
    """What the middleware will try, in order. Never log instances: they hold secrets."""

    basic: bool  # Request.BasicAuth() succeeded (WWW-Authenticate gets set)
    user_token: bytes | None  # b"user:password" when both parts are non-empty
    api_key: bytes | None  # the raw token, when non-empty and without a colon

    def __repr__(self) -> str:  # keep secrets out of tracebacks and logs
        return "AuthAttempt(basic=%r, user_token=%s, api_key=%s)" % (
            self.basic,
            "<set>" if self.user_token else None,
            "<set>" if self.api_key else None,
        )


def header_bytes(value: str | None) -> bytes:
    """A header value as the raw bytes Go sees (http.server decodes headers as latin-1)."""
    if value is None:
        return b""
    return value.encode("latin-1", errors="replace").strip(b" \t")


def parse_basic(auth: bytes) -> tuple[bytes, bytes] | None:
    """Go ``parseBasicAuth``: case-insensitive "Basic " prefix, StdEncoding, a colon required."""
    prefix = b"basic "
    if len(auth) < len(prefix) or auth[: len(prefix)].lower() != prefix:
        return None
    encoded = auth[len(prefix) :].replace(b"\r", b"").replace(b"\n", b"")
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    user, sep, password = decoded.partition(b":")
    if not sep:
        return None
    return user, password


def get_authorization(auth: bytes) -> bytes:
    """``GetAuthorization``: ``strings.TrimPrefix(header, "Bearer ")`` (case-sensitive, once)."""
    return auth[len(b"Bearer ") :] if auth.startswith(b"Bearer ") else auth


def parse_authorization(value: str | bytes | None) -> AuthAttempt:
    auth = value if isinstance(value, bytes) else header_bytes(value)
    basic = parse_basic(auth)
    if basic is not None:
        user, password = basic
    else:
        token = get_authorization(auth)
        user, sep, password = token.partition(b":")
        if not sep:
            user, password = b"", b""
    user_token = user + b":" + password if user and password else None
    raw = get_authorization(auth)
    api_key = raw if raw and b":" not in raw else None
    return AuthAttempt(basic=basic is not None, user_token=user_token, api_key=api_key)
