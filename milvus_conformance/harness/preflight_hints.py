"""Preflight's first request of each surface, with the likely cause in its one line when it fails:
a URL given for the other surface (REST and gRPC URLs swapped, a REST URL on a gRPC-only port), or
a token without ':' (taken as an API key, not user:password). The exit status stays the error's own
(3: no verdict); only the words change."""

from __future__ import annotations

from contextlib import contextmanager

from milvus_conformance.clients.protocol_sniff import sniff
from milvus_conformance.errors import HarnessError, TlsError

USERS_LIST = "/v2/vectordb/users/list"


def api_key_note(token: str | None) -> str:
    if token and ":" not in token:
        return (
            "; the token has no ':', so it is taken as an API key, not user:password "
            "(for a user, pass --token user:password)"
        )
    return ""


def check_rest_admin(rest, token: str | None, tls) -> None:
    """`rest.user_names()` (reachable, and the suite's token works), explained when it fails."""
    try:
        reply = rest.list_users()
    except TlsError:
        raise
    except HarnessError as exc:
        if sniff(rest.base_url, tls).grpc_only:
            raise _same_kind(
                exc,
                f"REST target {rest.base_url} does not speak HTTP/1.1 (REST): this "
                f"port speaks gRPC: pass it as --grpc-uri, and the REST base URL "
                f"as --base-url",
            ) from None
        raise
    body = reply.json
    if reply.status == 200 and isinstance(body, dict) and isinstance(body.get("data"), list):
        return
    answer = f"HTTP {reply.status}" + (f" code {reply.code}" if reply.code is not None else "")
    if reply.status == 404:
        speaks = sniff(rest.base_url, tls)
        where = (
            " This port speaks gRPC: was it meant as --grpc-uri? Pass the REST base URL as "
            "--base-url (Milvus serves REST v2 from 2.4 on)"
            if speaks.http2
            else " Check --base-url: scheme, host and port only, no path"
        )
        raise HarnessError(f"REST target {rest.base_url} has no Milvus REST v2 API ({answer} on {USERS_LIST}).{where}")
    if reply.status == 401 or reply.code == 1800:
        raise HarnessError(
            f"REST target {rest.base_url} refused the suite's token ({answer})"
            + (api_key_note(token) or ": check the user and password of --token")
        )
    rest.user_names()  # anything else: its own line (status and body)


@contextmanager
def sdk_connection_explained(grpc_uri: str, token: str | None, tls):
    """Around the suite's first SDK connection."""
    try:
        yield
    except TlsError:
        raise
    except HarnessError as exc:
        speaks = sniff(grpc_uri, tls)
        if speaks.http1_only:
            raise _same_kind(
                exc,
                f"gRPC target {grpc_uri} does not speak gRPC: this port speaks "
                f"HTTP/1.1 only (a REST API?): pass it as --base-url, and the "
                f"gRPC URI as --grpc-uri",
            ) from None
        if speaks.http2:  # the port answers gRPC: the connection, most likely its token, was refused
            raise _same_kind(
                exc,
                f"{' '.join(str(exc).split())}"
                + (api_key_note(token) or "; the port answers gRPC: check the user and password of --token"),
            ) from None
        raise


def _same_kind(exc: HarnessError, message: str) -> HarnessError:
    try:
        return type(exc)(message)
    except TypeError:
        return HarnessError(message)
