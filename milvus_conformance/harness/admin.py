"""The suite's own admin operations on the target (list and drop users, for the ledger and the
sweeps): over gRPC when the run has a gRPC URI (no gateway in between), else over REST."""

from __future__ import annotations

from milvus_conformance.errors import HarnessError, TargetUnreachable

# The suite's own bookkeeping accepts either success code: 200 in Milvus 2.4.0-2.4.2, 0 otherwise
# (CF section 3). It runs before and apart from the profile; judging which code a target should
# send is the profile's business (checks/observation.py `accepted`).
SUCCESS_CODES = (0, 200)


def sdk_admin(endpoints):
    """An SdkClient with the suite's token on `endpoints` (a harness.endpoints.Endpoints)."""
    from milvus_conformance.clients.sdk import SdkClient

    return SdkClient(endpoints.grpc_uri, endpoints.token, tls=endpoints.tls)


class RestAdmin:
    def __init__(self, client):
        self.client = client

    def user_names(self) -> list[str]:
        return self.client.user_names()

    def drop_user(self, name: str) -> None:
        reply = self.client.drop_user(name)
        if reply.code not in SUCCESS_CODES:
            raise HarnessError(f"could not drop {name!r}: HTTP {reply.status} code {reply.code}")


def admin_ops(ctx, rest=None, sdk=None):
    """Admin operations of the run `ctx` (a RunContext): gRPC when available."""
    endpoints = ctx.endpoints
    if endpoints.grpc_uri:
        return sdk or sdk_admin(endpoints)
    if endpoints.base_url:
        if rest is None:
            from milvus_conformance.clients.rest import RestClient

            rest = RestClient(endpoints.base_url, endpoints.token, tls=endpoints.tls)
        return RestAdmin(rest)
    raise TargetUnreachable("no target endpoint configured")
