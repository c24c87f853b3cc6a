"""Preflight's TLS step: before the first request of each surface, tell a TLS problem apart from an
unreachable target, in one line that names the cause and the option that fixes it (exit 3).

- https:// : the handshake is made with the run's own settings (tls_probe.check_https).
- http:// gRPC: grpcio would spend its whole connect timeout on a TLS server, so the port is asked
  first whether it answers a TLS handshake.
- http:// REST: asked only after the plain request failed (a plain HTTP server may sit silently on a
  ClientHello, which would cost every plain run the probe's timeout).
"""

from __future__ import annotations

from contextlib import contextmanager

from milvus_conformance.clients import tls_probe
from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.errors import HarnessError, TlsError


def check_rest_first(base_url: str, tls: TlsSettings) -> None:
    if base_url.startswith("https://"):
        tls_probe.check_https(base_url, tls, grpc=False)


def check_grpc_first(grpc_uri: str, tls: TlsSettings) -> None:
    if grpc_uri.startswith("https://"):
        tls_probe.check_https(grpc_uri, tls, grpc=True)
    elif tls_probe.serves_tls(grpc_uri):
        raise TlsError(tls_probe.plain_against_tls_line(grpc_uri, "--grpc-uri"))


@contextmanager
def plain_rest_failure_explained(base_url: str):
    """Around the first plain-HTTP request: if it fails and the port speaks TLS, say so instead."""
    try:
        yield
    except TlsError:
        raise
    except HarnessError:
        if base_url.startswith("http://") and tls_probe.serves_tls(base_url):
            raise TlsError(tls_probe.plain_against_tls_line(base_url, "--base-url")) from None
        raise
