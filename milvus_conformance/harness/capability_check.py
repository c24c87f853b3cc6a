"""Runs the capability check of a run (harness/capabilities.py) before preflight, and turns what it
found into the run's first line: missing operations are a verdict (DOES NOT CONFORM, exit 1), said
before anything else, also when the target has authorization disabled (said second; the
--allow-auth-disabled hint only where that option would lead to a verdict)."""

from __future__ import annotations

from milvus_conformance.clients.protocol_sniff import sniff
from milvus_conformance.errors import AuthDisabled, HarnessError
from milvus_conformance.harness import tls_preflight
from milvus_conformance.harness.capabilities import Capabilities, first_line, probe_rest, probe_sdk, rest_speaks_grpc

AUTH_DISABLED_NOTE = "the target also has authorization disabled (it accepts any token)"


def check(ctx) -> Capabilities:
    """Both given surfaces of `ctx` (a started RunContext); sets `ctx.capabilities`."""
    caps = Capabilities()
    if ctx.base_url:
        missing = _rest(ctx)
        if missing:
            caps.missing["rest"] = missing
    if ctx.grpc_uri:
        tls_preflight.check_grpc_first(ctx.grpc_uri, ctx.tls)
        sdk = ctx._sdk_admin()
        try:
            missing = probe_sdk(sdk.alias, timeout=min(ctx.config.request_timeout, 10.0))
        finally:
            sdk.close()
        if missing:
            caps.missing["sdk"] = missing
    ctx.capabilities = caps.to_dict()
    return caps


def _rest(ctx) -> dict[str, str]:
    from milvus_conformance.clients.rest import RestClient

    tls_preflight.check_rest_first(ctx.base_url, ctx.tls)
    rest = RestClient(ctx.base_url, ctx.token, timeout=5.0, tls=ctx.tls)
    try:
        return probe_rest(rest)
    except HarnessError:
        if sniff(ctx.base_url, ctx.tls).grpc_only:
            return rest_speaks_grpc(ctx.base_url, ctx.grpc_uri)
        return {}  # preflight names the failure (unreachable, TLS, ...)
    finally:
        rest.close()


def preflight(ctx, caps: Capabilities) -> list[str]:
    """ctx.preflight(), except that authorization disabled does not stop a run whose missing
    operations already give it a verdict. Returns the run's first lines."""
    try:
        ctx.preflight()
    except AuthDisabled:
        if not caps.missing:
            raise
    lines = []
    if caps.missing:
        lines.append(
            f"conformance: {first_line(caps.missing)}" + (f"; {AUTH_DISABLED_NOTE}" if not ctx.auth_enabled else "")
        )
    return lines


def admin_blocked(ctx) -> bool:
    """The suite's own list and drop (on gRPC when given, else REST) are missing: nothing can be
    swept, and nothing was created (no case runs on a surface lacking an operation)."""
    surface = "sdk" if ctx.grpc_uri else "rest"
    return bool(ctx.capabilities.get(surface))
