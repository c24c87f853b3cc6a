"""TLS settings of a run, one object for every client: httpx (REST), requests (schemathesis) and
pymilvus/grpcio (SDK). Only paths are held, never the certificate or key material itself, so a
settings object can be shown and handed to xdist workers."""

from __future__ import annotations

import ssl
from dataclasses import asdict, dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

INSECURE_NOTE = "TLS verification disabled"


def grpc_default_roots() -> str:
    """The root certificates grpcio trusts when given none: pymilvus needs a CA file for mutual TLS,
    so without --ca-cert it is handed the very bundle grpcio would use anyway."""
    import grpc

    return str(Path(grpc.__file__).parent / "_cython" / "_credentials" / "roots.pem")


@dataclass(frozen=True)
class TlsSettings:
    ca_cert: str | None = None  # a CA bundle to trust (PEM), instead of the system's
    client_cert: str | None = None  # mutual TLS: the client's certificate chain (PEM) ...
    client_key: str | None = None  # ... and its private key (PEM)
    server_name: str | None = None  # the name to verify when it is not the URL's host
    insecure: bool = False  # REST only: no certificate verification at all

    @property
    def mutual(self) -> bool:
        return self.client_cert is not None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "TlsSettings":
        return cls(**(data or {}))

    # ---- what the reports say (paths only) ------------------------------------------------------
    def describe(self) -> dict:
        shown = {
            "mode": "mutual" if self.mutual else "one-way",
            "verification": "disabled" if self.insecure else "enabled",
        }
        if self.ca_cert:
            shown["ca_cert"] = self.ca_cert
        if self.client_cert:
            shown["client_cert"] = self.client_cert
        if self.server_name:
            shown["server_name"] = self.server_name
        return shown

    # ---- the Python ssl module (httpx and the preflight probe) ---------------------------------
    def ssl_context(self, verify: bool | None = None, alpn: tuple[str, ...] = ()) -> ssl.SSLContext:
        """A client context; `verify=False` (or --insecure-tls) checks neither chain nor name."""
        verify = (not self.insecure) if verify is None else verify
        context = ssl.create_default_context(cafile=self.ca_cert if verify else None)
        if not verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.client_cert:
            context.load_cert_chain(self.client_cert, self.client_key)
        if alpn:
            context.set_alpn_protocols(list(alpn))
        return context

    def httpx_extensions(self) -> dict:
        """Per request: httpcore verifies (and sends as SNI) `sni_hostname` instead of the URL's host."""
        return {"sni_hostname": self.server_name} if self.server_name else {}

    # ---- requests (schemathesis' transport) -----------------------------------------------------
    def requests_kwargs(self) -> dict:
        kwargs: dict = {"verify": False if self.insecure else (self.ca_cert or True)}
        if self.client_cert:
            kwargs["cert"] = (self.client_cert, self.client_key)
        return kwargs

    def requests_session(self):
        """A requests session that verifies `server_name` when one is given (urllib3 pool option)."""
        session = requests.Session()
        if self.server_name and not self.insecure:
            session.mount("https://", _ServerNameAdapter(self.server_name))
        return session

    # ---- pymilvus (grpcio) --------------------------------------------------------------------
    def pymilvus_kwargs(self, uri: str) -> dict:
        """The keyword arguments of MilvusClient / connections.connect for `uri`. pymilvus switches
        to a secure channel for https:// by itself; with a CA file alone it is passed as
        server_pem_path (one-way), with a client certificate as ca_pem_path (pymilvus ignores the
        client certificate whenever server_pem_path is set)."""
        if not uri.startswith("https://"):
            return {}
        kwargs: dict = {"secure": True}
        if self.client_cert:
            kwargs.update(
                client_pem_path=self.client_cert,
                client_key_path=self.client_key,
                ca_pem_path=self.ca_cert or grpc_default_roots(),
            )
        elif self.ca_cert:
            kwargs["server_pem_path"] = self.ca_cert
        if self.server_name:
            kwargs["server_name"] = self.server_name
        return kwargs


class _ServerNameAdapter(HTTPAdapter):
    def __init__(self, server_name: str):
        self._server_name = server_name
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["server_hostname"] = self._server_name
        kwargs["assert_hostname"] = self._server_name
        super().init_poolmanager(*args, **kwargs)
