"""TLS of the embedded target: the certificates of one run and what each part makes of them.

one-way: Milvus runs with `--tls-mode 1` (server certificate only) and the gateway serves HTTPS.
mutual:  Milvus runs with `--tls-mode 2` (it also requires a client certificate issued by the run's
         CA) and the gateway requires one too, as a Milvus proxy does on its shared port.
"""

from __future__ import annotations

import ssl
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

    def gateway_context(self) -> ssl.SSLContext:
        """The gateway's HTTPS: the same server certificate; in mutual mode a client certificate
        issued by the run's CA is required."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certs.server_cert, self.certs.server_key)
        if self.mutual:
            context.load_verify_locations(cafile=str(self.certs.ca_cert))
            context.verify_mode = ssl.CERT_REQUIRED
        return context

    def upstream_credentials(self):
        """The gateway's own channel to Milvus (it forwards the caller's credentials over it)."""
        import grpc

        client = self.client()
        read = lambda path: Path(path).read_bytes() if path else None  # noqa: E731
        return grpc.ssl_channel_credentials(
            root_certificates=read(client.ca_cert),
            private_key=read(client.client_key),
            certificate_chain=read(client.client_cert),
        )
