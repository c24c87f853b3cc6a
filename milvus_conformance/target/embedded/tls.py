"""TLS of the embedded target: the certificates of one run and what each part makes of them.

one-way: Milvus runs with `--tls-mode 1` (server certificate only) and the gateway serves HTTPS.
mutual:  Milvus runs with `--tls-mode 2` (it also requires a client certificate issued by the run's
         CA) and the gateway requires one too, as a Milvus proxy does on its shared port.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.target.embedded.certs import CertSet, write_cert_set

MILVUS_TLS_MODE = {"one-way": 1, "mutual": 2}  # milvus.yaml common.security.tlsMode


@dataclass(frozen=True)
class EmbeddedTls:
    mode: str  # one-way | mutual
    certs: CertSet

    @classmethod
    def create(cls, mode: str, directory: Path) -> "EmbeddedTls":
        return cls(mode, write_cert_set(directory))

    @property
    def mutual(self) -> bool:
        return self.mode == "mutual"

    def milvus_flags(self) -> list[str]:
        return [
            "--tls-mode",
            str(MILVUS_TLS_MODE[self.mode]),
            "--server-pem-path",
            str(self.certs.server_cert),
            "--server-key-path",
            str(self.certs.server_key),
            "--ca-pem-path",
            str(self.certs.ca_cert),
        ]

    def client(self) -> TlsSettings:
        """What a client of this target needs: the run's CA, and in mutual mode its certificate."""
        if self.mutual:
            return TlsSettings(
                ca_cert=str(self.certs.ca_cert),
                client_cert=str(self.certs.client_cert),
                client_key=str(self.certs.client_key),
            )
        return TlsSettings(ca_cert=str(self.certs.ca_cert))

    def gateway_flags(self) -> list[str]:
        """The gateway's command-line TLS (target/gateway/__main__.py): it serves HTTPS with the same
        server certificate, requires a client certificate issued by the run's CA in mutual mode, and
        reaches Milvus as a client of this target does."""
        client = self.client()
        flags = ["--tls-cert", str(self.certs.server_cert), "--tls-key", str(self.certs.server_key)]
        flags += ["--tls-client-ca", str(self.certs.ca_cert)] if self.mutual else []
        flags += ["--upstream-ca", str(client.ca_cert)]
        if client.client_cert:
            flags += ["--upstream-cert", str(client.client_cert), "--upstream-key", str(client.client_key)]
        return flags
