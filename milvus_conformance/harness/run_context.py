"""What a run knows about its target: configuration, endpoints (given, or of the embedded target it
started), and what preflight found. Handed from the controller to xdist workers as a dict."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from milvus_conformance.clients.tls import INSECURE_NOTE, TlsSettings
from milvus_conformance.contract.selection import ProfileChoice, choose_profile
from milvus_conformance.errors import AuthDisabled, HarnessError, TargetUnreachable
from milvus_conformance.harness import tls_preflight
from milvus_conformance.harness.capabilities import version_error
from milvus_conformance.harness.config import TargetConfig
from milvus_conformance.target.embedded.releases import release_profile

PREFLIGHT_USER = "conformance_preflight_nobody"
# The suite's own bookkeeping accepts either success code: 200 in Milvus 2.4.0-2.4.2, 0 otherwise
# (CF section 3); judging which one a target should send is the profile's business.
SUCCESS_CODES = (0, 200)


@dataclass
class RunContext:
    config: TargetConfig
    run_id: str
    base_url: str | None = None
    grpc_uri: str | None = None
    token: str | None = None
    server_version: str = ""
    auth_enabled: bool = True
    started: bool = False
    tls: TlsSettings = field(default_factory=TlsSettings)   # given, or the embedded target's
    swept: list[str] = field(default_factory=list)
    profile_choice: ProfileChoice | None = None     # made after preflight, handed to workers
    capabilities: dict = field(default_factory=dict)   # missing operations (harness/capabilities.py)
    version_error: str = ""                          # how GetVersion failed ("" = it answered)
    _embedded: object = None

    @property
    def protected(self) -> frozenset[str]:
        """Never dropped, never swept (harness/protected.py)."""
        from milvus_conformance.harness.protected import protected_users

        if self.profile_choice is None:
            self.choose_profile()
        return protected_users(self.profile_choice.profile, self.token)   # the chosen one (auto too)

    def tls_record(self) -> dict:
        """What the reports say about TLS (paths only), empty when no endpoint is https://."""
        if not any((u or "").startswith("https://") for u in (self.base_url, self.grpc_uri)):
            return {}
        return self.tls.describe()

    @property
    def fingerprint(self) -> str:
        """Identifies the target for journals: leftovers are only swept on the same target."""
        return f"{self.base_url or ''}|{self.grpc_uri or ''}"

    # ---- lifecycle (controller only) --------------------------------------------------------------
    def start(self, report=print) -> None:
        c = self.config
        if c.embedded:
            from milvus_conformance.target.embedded.target import EmbeddedTarget

            report(f"starting the embedded target (Milvus {c.embedded_version} + REST v2 gateway)...")
            self._embedded = EmbeddedTarget(c.state_dir, c.embedded_version, c.embedded_tls)
            ep = self._embedded.start()
            self.base_url, self.grpc_uri, self.token, self.tls = ep.base_url, ep.grpc_uri, ep.token, ep.tls
            report(f"embedded target: REST {ep.base_url}  gRPC {ep.grpc_uri}"
                   + (f"  (TLS {c.embedded_tls}, CA {ep.tls.ca_cert})" if c.embedded_tls else ""))
        else:
            self.base_url, self.grpc_uri, self.token, self.tls = c.base_url, c.grpc_uri, c.token, c.tls
        if self.tls.insecure:
            report(f"WARNING: {INSECURE_NOTE} (--insecure-tls): the REST target's identity is not checked")
        self.started = True

    def stop(self) -> None:
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded = None

    def preflight(self) -> None:
        """Reachability, the suite's own token, and whether authorization is enabled at all:
        each failure is a harness/infrastructure error with one line, never a conformance failure."""
        from milvus_conformance.clients.rest import RestClient

        if self.base_url and not self.capabilities.get("rest"):   # a REST surface lacking routes: no list
            tls_preflight.check_rest_first(self.base_url, self.tls)
            rest = RestClient(self.base_url, self.token, timeout=5.0, tls=self.tls)
            try:
                with tls_preflight.plain_rest_failure_explained(self.base_url):
                    rest.user_names()                   # reachable, and our token works
                probe = rest.list_users(token=f"{PREFLIGHT_USER}:not-a-password")
            finally:
                rest.close()
            if probe.status == 200 and probe.code in SUCCESS_CODES:
                self.auth_enabled = False
        if self.grpc_uri:
            tls_preflight.check_grpc_first(self.grpc_uri, self.tls)
            sdk = self._sdk_admin()
            try:
                from pymilvus import utility

                self.server_version = utility.get_server_version(using=sdk.alias)
            except Exception as exc:  # the version is informative only
                self.server_version = ""
                self.version_error = version_error(exc)
            finally:
                sdk.close()
            if self.auth_enabled and self._sdk_accepts(f"{PREFLIGHT_USER}:not-a-password"):
                self.auth_enabled = False
        if not self.auth_enabled and not self.config.allow_auth_disabled:
            raise AuthDisabled(
                "the target has authorization disabled: it accepts any token, so no authentication "
                "requirement can be checked (enable authorization, or pass --allow-auth-disabled to "
                "run the rest with the auth cases skipped)")

    def choose_profile(self) -> ProfileChoice:
        """After preflight (the server's version is known then); a conflict with --server-version
        is a ConfigError."""
        c = self.config
        self.profile_choice = choose_profile(c.profile, embedded=c.embedded,
                                             given_version=c.server_version or None,
                                             reported_version=self.server_version,
                                             embedded_profile=release_profile(c.embedded_version),
                                             version_error=self.version_error)
        return self.profile_choice

    def profile(self):
        """The run's profile, resolved for the target's version (the same in every xdist worker)."""
        if self.profile_choice is None:
            self.choose_profile()
        return self.profile_choice.load()
    def _sdk_accepts(self, token: str) -> bool:
        """Whether the SDK surface opens a connection with `token` (a gRPC server may enforce
        authentication while REST does not, or the other way round)."""
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException

        try:
            MilvusClient(uri=self.grpc_uri, token=token, timeout=10, dedicated=True).close()
        except MilvusException:
            return False
        return True

    def _sdk_admin(self):
        from milvus_conformance.clients.sdk import SdkClient

        return SdkClient(self.grpc_uri, self.token, tls=self.tls)

    # ---- hand-over to workers -----------------------------------------------------------------
    def to_dict(self) -> dict:
        c = asdict(self.config)
        c["state_dir"], c["reports_dir"] = str(c["state_dir"]), str(c["reports_dir"])
        return {"config": c, "run_id": self.run_id, "base_url": self.base_url,
                "grpc_uri": self.grpc_uri, "token": self.token,
                "server_version": self.server_version, "auth_enabled": self.auth_enabled,
                "started": self.started, "tls": self.tls.to_dict(),
                "profile_choice": self.profile_choice.to_dict() if self.profile_choice else None,
                "capabilities": self.capabilities, "version_error": self.version_error}

    @classmethod
    def from_dict(cls, d: dict) -> "RunContext":
        c = dict(d["config"])
        c["state_dir"], c["reports_dir"] = Path(c["state_dir"]), Path(c["reports_dir"])
        c["tls"] = TlsSettings.from_dict(c.get("tls"))
        return cls(config=TargetConfig(**c), run_id=d["run_id"], base_url=d["base_url"],
                   grpc_uri=d["grpc_uri"], token=d["token"], server_version=d["server_version"],
                   auth_enabled=d["auth_enabled"], started=d["started"],
                   tls=TlsSettings.from_dict(d.get("tls")),
                   profile_choice=ProfileChoice.from_dict(d["profile_choice"])
                   if d.get("profile_choice") else None, capabilities=d.get("capabilities") or {},
                   version_error=d.get("version_error", ""))


class _RestAdmin:
    def __init__(self, client):
        self.client = client

    def user_names(self) -> list[str]:
        return self.client.user_names()

    def drop_user(self, name: str) -> None:
        reply = self.client.drop_user(name)
        if reply.code not in SUCCESS_CODES:
            raise HarnessError(f"could not drop {name!r}: HTTP {reply.status} code {reply.code}")


def admin_ops(ctx: RunContext, rest=None, sdk=None):
    """Admin operations for the ledger and sweeps: gRPC when available (no gateway in between)."""
    if ctx.grpc_uri:
        return sdk or ctx._sdk_admin()
    if ctx.base_url:
        if rest is None:
            from milvus_conformance.clients.rest import RestClient

            rest = RestClient(ctx.base_url, ctx.token, tls=ctx.tls)
        return _RestAdmin(rest)
    raise TargetUnreachable("no target endpoint configured")
