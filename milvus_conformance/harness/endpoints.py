"""Where the run's target answers (REST base URL, gRPC URI, the suite's token, TLS): the given
target's, or those of the embedded target this process started; and that target's life."""

from __future__ import annotations

from dataclasses import dataclass, field

from milvus_conformance.clients.tls import INSECURE_NOTE, TlsSettings


@dataclass
class Endpoints:
    base_url: str | None = None
    grpc_uri: str | None = None
    token: str | None = None
    tls: TlsSettings = field(default_factory=TlsSettings)

    @property
    def fingerprint(self) -> str:
        """Identifies the target for journals: leftovers are only swept on the same target."""
        return f"{self.base_url or ''}|{self.grpc_uri or ''}"

    def tls_record(self) -> dict:
        """What the reports say about TLS (paths only), empty when no endpoint is https://."""
        if not any((u or "").startswith("https://") for u in (self.base_url, self.grpc_uri)):
            return {}
        return self.tls.describe()

    def to_dict(self) -> dict:
        return {"base_url": self.base_url, "grpc_uri": self.grpc_uri, "token": self.token, "tls": self.tls.to_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> "Endpoints":
        return cls(d.get("base_url"), d.get("grpc_uri"), d.get("token"), TlsSettings.from_dict(d.get("tls")))


def start(config, report=print, early=None):
    """The run's endpoints for `config` (a TargetConfig): the embedded target started (returned
    second, to be stopped with `stop`), or the given target's (None). `early`: the process's
    harness/prestart.py Prestart, whose target is used when it is the one `config` asks for."""
    if config.embedded:
        report(f"starting the embedded target (Milvus {config.embedded_version} + REST v2 gateway)...")
        embedded, ep = _embedded(config, early)
        endpoints = Endpoints(ep.base_url, ep.grpc_uri, ep.token, ep.tls)
        report(
            f"embedded target: REST {ep.base_url}  gRPC {ep.grpc_uri}"
            + (f"  (TLS {config.embedded_tls}, CA {ep.tls.ca_cert})" if config.embedded_tls else "")
        )
    else:
        embedded, endpoints = None, Endpoints(config.base_url, config.grpc_uri, config.token, config.tls)
    if endpoints.tls.insecure:
        report(f"WARNING: {INSECURE_NOTE} (--insecure-tls): the REST target's identity is not checked")
    return endpoints, embedded


def _embedded(config, early):
    """(the embedded target, its endpoints): the one started early if it matches, else started now."""
    taken = early.take(config) if early is not None else None
    if taken is not None:
        return taken
    from milvus_conformance.target.embedded.target import EmbeddedTarget

    embedded = EmbeddedTarget(
        config.state_dir,
        config.embedded_version,
        config.embedded_tls,
        standard_errors=config.embedded_standard_errors,
    )
    return embedded, embedded.start()
