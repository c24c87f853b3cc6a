"""The capability check before any case: which of the five user operations each surface implements.

- SDK: each operation's gRPC method is called once through the admin connection, with input that no
  implementation can act on (an empty user name; SelectUser of a name nobody has): a gRPC
  `UNIMPLEMENTED` says the method is missing (milvus-lite 2.5.1 / 3.2.2, CF section 8); any other
  answer, refusal included, says it is there.
- REST: each users route is POSTed with the admin token and an empty JSON object (no user name:
  nothing can be created or dropped); HTTP 404 or 405 says the route is missing. A port that does not
  speak HTTP/1.1 but answers the HTTP/2 preface speaks gRPC: with the same port as --grpc-uri the REST
  surface is missing; otherwise the URL is wrong (exit 4, `pass it as --grpc-uri`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from milvus_conformance.errors import ConfigError

from milvus_conformance.results.missing import OPERATIONS, SURFACE_TITLE, first_line, missing_lines  # noqa: F401

PROBE_USER = "conformance_capability_probe_nobody"
SPEAKS_GRPC = "the port speaks gRPC, not HTTP/1.1"


@dataclass
class Capabilities:
    """surface ("rest", "sdk") -> operation -> how the target said it lacks it."""

    missing: dict[str, dict[str, str]] = field(default_factory=dict)

    def lacks(self, surface: str, operation: str) -> str | None:
        return self.missing.get(surface, {}).get(operation)

    def blocked(self, surface: str) -> bool:
        """A surface missing any user operation runs no case: every case needs the suite's own
        create, list and drop around the operation it checks."""
        return bool(self.missing.get(surface))

    def lines(self) -> list[str]:
        """One line per surface: `users/create, users/list are not implemented on the SDK surface
        (UNIMPLEMENTED)`."""
        return missing_lines(self.missing)

    def to_dict(self) -> dict:
        return {k: dict(v) for k, v in self.missing.items()}

    @classmethod
    def from_dict(cls, d: dict | None) -> "Capabilities":
        return cls({k: dict(v) for k, v in (d or {}).items()})


# ---- SDK ----------------------------------------------------------------------------------------
def probe_sdk(alias: str, timeout: float = 10.0) -> dict[str, str]:
    """Missing operations of the gRPC API behind the pymilvus connection `alias` (its stub carries
    the token and TLS of that connection)."""
    import grpc
    from pymilvus import connections
    from pymilvus.grpc_gen import milvus_pb2

    stub = connections._fetch_handler(alias)._stub
    calls = {
        "users/create": (stub.CreateCredential, milvus_pb2.CreateCredentialRequest(username="", password="")),
        "users/list": (stub.ListCredUsers, milvus_pb2.ListCredUsersRequest()),
        "users/describe": (
            stub.SelectUser,
            milvus_pb2.SelectUserRequest(user=milvus_pb2.UserEntity(name=PROBE_USER), include_role_info=False),
        ),
        "users/update_password": (
            stub.UpdateCredential,
            milvus_pb2.UpdateCredentialRequest(username="", oldPassword="", newPassword=""),
        ),
        "users/drop": (stub.DeleteCredential, milvus_pb2.DeleteCredentialRequest(username="")),
    }
    missing = {}
    for op, (method, request) in calls.items():
        try:
            method(request, timeout=timeout)
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                missing[op] = "UNIMPLEMENTED"
    return missing


# ---- REST ---------------------------------------------------------------------------------------
def probe_rest(rest) -> dict[str, str]:
    """Missing routes of the REST v2 API (`rest`: a RestClient with the admin token)."""
    from milvus_conformance.clients.rest import ROOT

    missing = {}
    for op in OPERATIONS:
        reply = rest.request(ROOT + op, {})
        if reply.status in (404, 405):
            missing[op] = f"HTTP {reply.status}"
    return missing


def same_port(a: str | None, b: str | None) -> bool:
    def key(u):
        p = urlsplit(u if "://" in u else f"http://{u}")
        return (p.hostname, p.port)

    return bool(a and b) and key(a) == key(b)


def rest_speaks_grpc(base_url: str, grpc_uri: str | None) -> dict[str, str]:
    """A REST URL on a gRPC-only port: the REST surface is missing when that port is also the
    --grpc-uri (a look-alike serving gRPC only), else the URL is the wrong one (exit 4)."""
    if same_port(base_url, grpc_uri):
        return {op: SPEAKS_GRPC for op in OPERATIONS}
    raise ConfigError(f"{base_url}: this port speaks gRPC: pass it as --grpc-uri")


def version_error(exc: BaseException) -> str:
    """How a GetVersion call failed, in a few words: `GetVersion: UNIMPLEMENTED`."""
    from milvus_conformance.clients.sdk import error_code

    code = error_code(exc)
    return f"GetVersion: {code if code is not None else type(exc).__name__}"
