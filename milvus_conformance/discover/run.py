"""One discovery: start (or reach) the target, open a journal and ledger as a run does, run the
probe groups, sweep, and hand back what was found and what it cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from milvus_conformance.clients.throttle import RateLimit
from milvus_conformance.contract.profile_keys import INFORMATIVE_KEYS
from milvus_conformance.contract.profiles import documented
from milvus_conformance.discover import not_implemented
from milvus_conformance.discover.findings import Finding, Findings
from milvus_conformance.discover.probes_cap import probe_cap
from milvus_conformance.discover.probes_login import probe_login
from milvus_conformance.discover.probes_name import probe_names
from milvus_conformance.discover.probes_password import probe_passwords
from milvus_conformance.discover.probes_rest import probe_rest
from milvus_conformance.discover.probes_sdk import probe_sdk
from milvus_conformance.discover.probes_settle import probe_error_statuses, probe_settle
from milvus_conformance.discover.session import PASSWORD, CountingAdmin, RequestCounter, Session
from milvus_conformance.errors import HarnessError
from milvus_conformance.harness.config import TargetConfig
from milvus_conformance.harness.ledger import Journal, UserLedger, new_run_id
from milvus_conformance.harness.sweep import sweep
from milvus_conformance.harness.admin import admin_ops
from milvus_conformance.harness.run_context import RunContext

CONNECT_REQUESTS = 2  # an SdkClient opens a connection alias and a MilvusClient
NEVER_PROBED = {
    "rest.outcome.drop_root": "not probed: discover never sends a drop of the protected admin",
    "sdk.outcome.drop_root": "not probed: discover never sends a drop of the protected admin",
    "users.protected": "not probed: discover never drops an admin; a null protects every admin any profile names",
    # Telling it apart needs another client's request to fail: not a probe to run on a cluster.
    "rest.request_timeout.shared": "not probed: whether Request-Timeout changes other clients' "
    "timeouts cannot be observed without breaking their requests",
}
AUTH_KEYS = (
    "rest.outcome.auth_failed",
    "rest.outcome.permission_denied",
    "rest.auth_before_routing",
    "sdk.outcome.permission_denied",
)
EXTRA_KEYS = INFORMATIVE_KEYS  # observed, not (yet) in the documented profile


@dataclass
class Discovery:
    items: list[Finding]
    target: str  # "NAME vX.Y.Z"
    when: str  # UTC, ISO 8601
    requests: int
    seconds: float
    swept: list[str]  # left behind by killed runs, dropped before probing
    prefix: str  # this discovery's user prefix (every user it created carried it)
    missing: dict = field(default_factory=dict)  # operations the target lacks (not_implemented.py)

    def value(self, key: str):
        return next((i.value for i in self.items if i.key == key), None)


def discover(config: TargetConfig, name: str, report: Callable[[str], None] = print) -> Discovery:
    ctx = RunContext(config, new_run_id())
    when = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        ctx.start(report)
        missing = not_implemented.check(ctx, report)  # capability check, then preflight
        if not (ctx.base_url or ctx.grpc_uri):  # no surface left with user operations
            version = ctx.server_version or "(version unknown)"
            return Discovery(
                not_implemented.all_null(missing),
                f"{name} {version}",
                when,
                not_implemented.requests(missing),
                0.0,
                [],
                "",
                missing,
            )
        found = _probe(ctx, name, when, report)
        found.items, found.missing = not_implemented.mark_surfaces(found.items, missing), missing
        return found
    finally:
        ctx.stop()


def _probe(ctx: RunContext, name: str, when: str, report) -> Discovery:
    from milvus_conformance.clients.rest import RestClient
    from milvus_conformance.clients.sdk import SdkClient

    config, counter = ctx.config, RequestCounter()
    throttle = RateLimit(config.rate_limit)
    rest = (
        RestClient(
            ctx.base_url, ctx.token, timeout=config.request_timeout, recorder=counter, throttle=throttle, tls=ctx.tls
        )
        if ctx.base_url
        else None
    )
    sdk = None
    try:
        if ctx.grpc_uri:
            sdk = SdkClient(
                ctx.grpc_uri,
                ctx.token,
                recorder=counter,
                timeout=config.request_timeout,
                throttle=throttle,
                tls=ctx.tls,
            )
            counter.count += CONNECT_REQUESTS
        admin = CountingAdmin(admin_ops(ctx, rest=rest, sdk=sdk), counter)
        admin.user_names()  # the admin connection works before a journal names any create
        swept = sweep(
            config.state_dir, ctx.fingerprint, admin, protected=ctx.protected
        ).dropped()  # what killed runs left
        journal = Journal(config.state_dir, ctx.run_id)
        journal.open_run(ctx.fingerprint, config.embedded)
        session = Session(
            rest, sdk, UserLedger(ctx.run_id, journal, admin, config.max_users, protected=ctx.protected), counter, admin
        )
        findings = Findings()

        def clean_up():
            session.sweep_prefixed()
            sweep(config.state_dir, ctx.fingerprint, admin, current_run=ctx.run_id, protected=ctx.protected)

        try:
            report(
                f"discover: probing {ctx.base_url or ''} {ctx.grpc_uri or ''} as {name!r} "
                f"(users prefixed {session.prefix})"
            )
            _run_groups(session, findings, ctx)
        except BaseException:
            _clean_up_after_error(clean_up, report)  # the first error stays the one named
            raise
        clean_up()
    finally:
        for client in (rest, sdk):
            if client is not None:
                client.close()
    version = ctx.server_version or "(version unknown)"
    return Discovery(
        _complete(findings), f"{name} {version}", when, counter.count, session.seconds, swept, session.prefix
    )


def _clean_up_after_error(clean_up: Callable[[], object], report) -> None:
    """The sweep after a failed probe: its own failure is a note, never the error that is named."""
    try:
        clean_up()
    except HarnessError as exc:
        report(f"discover: the clean-up after that error failed too: {exc}")


def _run_groups(s: Session, f: Findings, ctx: RunContext) -> None:
    s.baseline()
    probe_names(s, f)
    limits = probe_passwords(s, f)
    non_admin = s.name(middle="plain")
    has_user = s.create(non_admin, PASSWORD, keep=True).accepted
    client = _client_as(s, ctx, non_admin) if has_user and s.sdk is not None else None
    try:
        if s.rest is not None:
            probe_rest(s, f, limits, (non_admin, PASSWORD) if has_user else None)
            if ctx.auth_enabled:
                probe_login(s, f, limits)
        if s.sdk is not None:
            probe_sdk(s, f, limits, client)
    finally:
        if client is not None:
            client.close()
        s.drop(non_admin)
    probe_settle(s, f, ctx.auth_enabled)
    if s.rest is not None:
        probe_error_statuses(f)
    probe_cap(s, f, ctx.config.fill_server)
    if not ctx.auth_enabled:
        for key in AUTH_KEYS:
            f.unknown(key, "authorization is disabled on the target")
    _surfaces_missing(s, f)


def _client_as(s: Session, ctx: RunContext, user: str):
    """An SDK connection as a user without privileges; None if the target refuses it."""
    from milvus_conformance.clients.sdk import SdkClient

    s.counter.count += CONNECT_REQUESTS
    try:
        return SdkClient(
            ctx.grpc_uri,
            f"{user}:{PASSWORD}",
            recorder=s.counter,
            timeout=s.sdk.timeout,
            throttle=s.sdk.throttle,
            tls=ctx.tls,
        )
    except HarnessError:
        return None


def _surfaces_missing(s: Session, f: Findings) -> None:
    for prefix, client, option in (("rest.", s.rest, "--base-url"), ("sdk.", s.sdk, "--grpc-uri")):
        if client is None:
            for key in documented().keys():
                if key.startswith(prefix) and key not in f:
                    f.unknown(key, f"no {option} given: that surface was not probed")


def _complete(f: Findings) -> list[Finding]:
    for key, reason in NEVER_PROBED.items():
        f.unknown(key, reason)
    for key in documented().keys() + list(EXTRA_KEYS):
        if key not in f:
            f.unknown(key, "no probe observed it")
    return f.items()
