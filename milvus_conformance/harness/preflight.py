"""Preflight: before any case, whether the target is reachable, the suite's own token works, which
version the server reports, and whether authorization is enabled at all. Each failure is one line and
a harness/infrastructure error, never a conformance failure."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from milvus_conformance.errors import AuthDisabled
from milvus_conformance.harness import preflight_hints, tls_preflight
from milvus_conformance.harness.admin import SUCCESS_CODES, sdk_admin
from milvus_conformance.harness.capabilities import version_error

PREFLIGHT_USER = "conformance_preflight_nobody"


@dataclass
class PreflightFacts:
    server_version: str = ""  # as the server reports it (GetVersion); "" unknown
    auth_enabled: bool = True
    version_error: str = ""  # how GetVersion failed ("" = it answered)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "PreflightFacts":
        return cls(**d)


def preflight(endpoints, allow_auth_disabled: bool, rest_lacking: bool = False) -> PreflightFacts:
    """What preflight finds on `endpoints` (harness.endpoints.Endpoints). `rest_lacking`: the
    capability check found the REST users routes missing, so REST is not listed through. Authorization
    disabled without `allow_auth_disabled` raises AuthDisabled carrying the facts."""
    from milvus_conformance.clients.rest import RestClient

    facts = PreflightFacts()
    if endpoints.base_url and not rest_lacking:
        tls_preflight.check_rest_first(endpoints.base_url, endpoints.tls)
        rest = RestClient(endpoints.base_url, endpoints.token, timeout=5.0, tls=endpoints.tls)
        try:
            with tls_preflight.plain_rest_failure_explained(endpoints.base_url):
                preflight_hints.check_rest_admin(rest, endpoints.token, endpoints.tls)  # reachable, our token works
            probe = rest.list_users(token=f"{PREFLIGHT_USER}:not-a-password")
        finally:
            rest.close()
        if probe.status == 200 and probe.code in SUCCESS_CODES:
            facts.auth_enabled = False
    if endpoints.grpc_uri:
        tls_preflight.check_grpc_first(endpoints.grpc_uri, endpoints.tls)
        with preflight_hints.sdk_connection_explained(endpoints.grpc_uri, endpoints.token, endpoints.tls):
            sdk = sdk_admin(endpoints)
        try:
            from pymilvus import utility

            facts.server_version = utility.get_server_version(using=sdk.alias)
        except Exception as exc:  # the version is informative only
            facts.server_version = ""
            facts.version_error = version_error(exc)
        finally:
            sdk.close()
        if facts.auth_enabled and _sdk_accepts(endpoints, f"{PREFLIGHT_USER}:not-a-password"):
            facts.auth_enabled = False
    if not facts.auth_enabled and not allow_auth_disabled:
        error = AuthDisabled(
            "the target has authorization disabled: it accepts any token, so no authentication "
            "requirement can be checked (enable authorization, or pass --allow-auth-disabled to "
            "run the rest with the auth cases skipped)"
        )
        error.facts = facts
        raise error
    return facts


def _sdk_accepts(endpoints, token: str) -> bool:
    """Whether the SDK surface opens a connection with `token` (a gRPC server may enforce
    authentication while REST does not, or the other way round)."""
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException

    try:
        MilvusClient(
            uri=endpoints.grpc_uri,
            token=token,
            timeout=10,
            dedicated=True,
            **endpoints.tls.pymilvus_kwargs(endpoints.grpc_uri),
        ).close()
    except MilvusException:
        return False
    return True
