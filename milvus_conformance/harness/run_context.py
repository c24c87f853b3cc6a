"""What a run knows, by job, built in this order at session start (harness/plugin.py):

1. `config` (TargetConfig, harness/config.py): the options and CONFORMANCE_* variables, validated;
2. `endpoints` (harness/endpoints.py): where the target answers, given or of the embedded target
   started by `start()`;
3. `facts` (harness/preflight.py): what preflight found (server version, authorization enabled);
4. `profile_choice` (contract/selection.py): the profile, chosen from the request and the facts.

Handed from the controller to xdist workers as a dict (`to_dict` / `from_dict`). The suite's admin
operations are in harness/admin.py. `base_url`, `grpc_uri`, `token`, `tls`, `server_version` and
`auth_enabled` read (and set) the part they belong to."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.contract.selection import ProfileChoice, choose_profile
from milvus_conformance.errors import AuthDisabled
from milvus_conformance.harness import endpoints as target_endpoints
from milvus_conformance.harness.admin import SUCCESS_CODES, admin_ops, sdk_admin  # noqa: F401  (names kept here)
from milvus_conformance.harness.config import TargetConfig
from milvus_conformance.harness.endpoints import Endpoints
from milvus_conformance.harness.preflight import PREFLIGHT_USER, PreflightFacts  # noqa: F401
from milvus_conformance.harness.preflight import preflight as run_preflight
from milvus_conformance.target.embedded.releases import embedded_profile


def _part(part: str, name: str) -> property:
    """An attribute of the run that lives in one of its parts (`endpoints`, `facts`)."""
    return property(
        lambda self: getattr(getattr(self, part), name), lambda self, value: setattr(getattr(self, part), name, value)
    )


@dataclass(init=False)
class RunContext:
    config: TargetConfig
    run_id: str
    endpoints: Endpoints
    facts: PreflightFacts
    profile_choice: ProfileChoice | None  # made after preflight, handed to workers
    started: bool
    swept: list[str]
    capabilities: dict  # missing operations per surface (harness/capabilities.py)

    def __init__(
        self,
        config: TargetConfig,
        run_id: str,
        endpoints: Endpoints | None = None,
        facts: PreflightFacts | None = None,
        profile_choice: ProfileChoice | None = None,
        started: bool = False,
        swept: list[str] | None = None,
        capabilities: dict | None = None,
        **parts,
    ) -> None:
        """`parts`: any of the part attributes below by name (e.g. `server_version=`), set on the
        part it belongs to."""
        self.config, self.run_id = config, run_id
        self.endpoints, self.facts = endpoints or Endpoints(), facts or PreflightFacts()
        self.profile_choice, self.started, self.swept = profile_choice, started, list(swept or [])
        self.capabilities = dict(capabilities or {})
        self._embedded = None
        for name, value in parts.items():
            if not isinstance(getattr(type(self), name, None), property):
                raise TypeError(f"RunContext has no part attribute {name!r}")
            setattr(self, name, value)

    base_url = _part("endpoints", "base_url")
    grpc_uri = _part("endpoints", "grpc_uri")
    token = _part("endpoints", "token")
    tls = _part("endpoints", "tls")
    server_version = _part("facts", "server_version")
    auth_enabled = _part("facts", "auth_enabled")
    version_error = _part("facts", "version_error")

    @property
    def fingerprint(self) -> str:
        return self.endpoints.fingerprint

    def tls_record(self) -> dict:
        return self.endpoints.tls_record()

    @property
    def protected(self) -> frozenset[str]:
        """Never dropped, never swept (harness/protected.py)."""
        from milvus_conformance.harness.protected import protected_users

        if self.profile_choice is None:
            self.choose_profile()
        return protected_users(self.profile_choice.profile, self.token)  # the chosen one (auto too)

    # ---- built at session start, in order (controller only) ------------------------------------
    def start(self, report=print, early=None) -> None:
        """2. The endpoints: the given target's, or the embedded target's once started (or taken over
        from `early`, the harness/prestart.py Prestart)."""
        self.endpoints, self._embedded = target_endpoints.start(self.config, report, early)
        self.started = True

    def stop(self) -> None:
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded = None

    def preflight(self) -> None:
        """3. The preflight facts (a failure is a HarnessError: one line, no verdict). A REST
        surface the capability check found lacking its routes is not listed through."""
        try:
            self.facts = run_preflight(
                self.endpoints, self.config.allow_auth_disabled, rest_lacking=bool(self.capabilities.get("rest"))
            )
        except AuthDisabled as exc:
            self.facts = exc.facts  # the capability check may still give a verdict
            raise

    def choose_profile(self) -> ProfileChoice:
        """4. After preflight (the server's version is known then); a conflict with
        --server-version is a ConfigError."""
        self.profile_choice = self._choice(self.facts.server_version, self.facts.version_error)
        return self.profile_choice

    def predicted_profile(self):
        """The embedded target's profile before it has answered: its release's version standing
        for the one it will report (harness/pregeneration.py builds generated cases from it)."""
        return self._choice(f"v{self.config.embedded_version}", "").load()

    def _choice(self, reported_version: str, version_error: str) -> ProfileChoice:
        c = self.config
        return choose_profile(
            c.profile,
            embedded=c.embedded,
            given_version=c.server_version or None,
            reported_version=reported_version,
            embedded_profile=embedded_profile(c.embedded_version, c.embedded_standard_errors),
            version_error=version_error,
        )

    def profile(self):
        """The run's profile, resolved for the target's version (the same in every xdist worker)."""
        if self.profile_choice is None:
            self.choose_profile()
        return self.profile_choice.load()

    def _sdk_admin(self):
        return sdk_admin(self.endpoints)

    # ---- hand-over to workers -----------------------------------------------------------------
    def to_dict(self) -> dict:
        c = asdict(self.config)
        c["state_dir"], c["reports_dir"] = str(c["state_dir"]), str(c["reports_dir"])
        return {
            "config": c,
            "run_id": self.run_id,
            "endpoints": self.endpoints.to_dict(),
            "facts": self.facts.to_dict(),
            "started": self.started,
            "profile_choice": self.profile_choice.to_dict() if self.profile_choice else None,
            "capabilities": self.capabilities,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "RunContext":
        c = dict(d["config"])
        c["state_dir"], c["reports_dir"] = Path(c["state_dir"]), Path(c["reports_dir"])
        c["tls"] = TlsSettings.from_dict(c.get("tls"))
        return cls(
            config=TargetConfig(**c),
            run_id=d["run_id"],
            endpoints=Endpoints.from_dict(d["endpoints"]),
            facts=PreflightFacts.from_dict(d["facts"]),
            started=d["started"],
            profile_choice=ProfileChoice.from_dict(d["profile_choice"]) if d.get("profile_choice") else None,
            capabilities=d.get("capabilities") or {},
        )
