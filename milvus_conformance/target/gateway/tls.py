"""The gateway's TLS, from certificate files: the HTTPS it serves (with a client certificate required
when a client CA is given, as a Milvus proxy in mutual mode requires one) and its own channel to a
Milvus that serves TLS (it forwards the caller's credentials over that channel)."""

from __future__ import annotations

import ssl
from pathlib import Path


def server_context(cert: str | Path, key: str | Path, client_ca: str | Path | None = None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    if client_ca:
        context.load_verify_locations(cafile=str(client_ca))
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def upstream_credentials(ca: str | Path | None, cert: str | Path | None = None, key: str | Path | None = None):
    """gRPC channel credentials trusting `ca`, presenting `cert`/`key` when given (mutual TLS)."""
    import grpc

    read = lambda path: Path(path).read_bytes() if path else None  # noqa: E731
    return grpc.ssl_channel_credentials(root_certificates=read(ca), private_key=read(key), certificate_chain=read(cert))
