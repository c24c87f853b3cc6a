"""The embedded target: a real Milvus (default 2.3.5, or another release PyPI serves) plus this
project's REST v2 gateway in front of it (a process of its own: gateway_process.py).
Started once per run by the process that owns the run (the xdist controller, or the only process).
With a TLS mode, both serve TLS with certificates made for this run only (removed at stop)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.target.embedded import releases
from milvus_conformance.target.embedded.gateway_process import GatewayProcess
from milvus_conformance.target.embedded.server import ROOT_TOKEN, EmbeddedServer


@dataclass
class EmbeddedEndpoints:
    grpc_uri: str
    base_url: str
    token: str
    tls: TlsSettings = field(default_factory=TlsSettings)  # what a client needs (CA, client cert)


class EmbeddedTarget:
    def __init__(
        self,
        state_dir: Path,
        version: str = releases.DEFAULT_VERSION,
        tls_mode: str | None = None,
        standard_errors: bool = False,
    ):
        self.version = version
        self.tls_mode = tls_mode
        self.standard_errors = standard_errors  # the gateway serves PR #53092's error statuses
        self.tls = None
        self._certs_dir: str | None = None
        self.server: EmbeddedServer | None = None
        self.state_dir = state_dir
        self.gateway = None
        self._registered = False

    def start(self) -> EmbeddedEndpoints:
        if not self._registered:
            atexit.register(self.stop)  # belt and braces: never leave a server running
            self._registered = True
        # installs a non-default release on first use (needs PyPI; EmbeddedStartError otherwise)
        release = releases.resolve(self.version, self.state_dir)
        if self.tls_mode:
            from milvus_conformance.target.embedded.tls import EmbeddedTls

            self._certs_dir = tempfile.mkdtemp(prefix="milvus-conformance-tls-")
            self.tls = EmbeddedTls.create(self.tls_mode, Path(self._certs_dir))
        self.server = EmbeddedServer(self.state_dir, tls=self.tls, release=release)
        try:
            info = self.server.start(on_port=self._spawn_gateway)
            base_url = self.gateway.wait_listening()
        except BaseException:
            self.stop()
            raise
        client_tls = self.tls.client() if self.tls else TlsSettings()
        return EmbeddedEndpoints(info.grpc_uri, base_url, ROOT_TOKEN, client_tls)

    def _spawn_gateway(self, grpc_port: int) -> None:
        """While Milvus starts: the gateway, in the server's process group (gateway_process.py)."""
        self.gateway = GatewayProcess.spawn(
            f"127.0.0.1:{grpc_port}",
            pgid=self.server.group,
            log=Path(self.server.info.data_dir) / "gateway.log",
            tls_flags=self.tls.gateway_flags() if self.tls else [],
            standard_errors=self.standard_errors,
        )

    def stop(self) -> None:
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        if self.server is not None:
            self.server.stop()
        if self._certs_dir is not None:
            shutil.rmtree(self._certs_dir, ignore_errors=True)
            self._certs_dir = None
