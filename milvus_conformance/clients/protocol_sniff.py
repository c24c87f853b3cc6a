"""What a port speaks: HTTP/1.x (a REST API), HTTP/2 (gRPC), both (a Milvus proxy's shared port), or
neither. Asked when a URL given for one surface fails, so the line can say "this port speaks gRPC:
pass it as --grpc-uri" instead of the HTTP library's `illegal status line`, or a 404.

Two short exchanges, each on its own connection (over TLS for https://, with the run's settings):
an HTTP/1.1 request (`OPTIONS *`, which changes nothing) must be answered with `HTTP/1.x`; the HTTP/2
client preface and an empty SETTINGS frame must be answered with an HTTP/2 frame (every HTTP/2 server
sends its SETTINGS first, RFC 9113 section 3.4). No user, no credentials, nothing else is sent."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT = 2.0
HTTP1_ASK = b"OPTIONS * HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
H2_FRAME_TYPES = {0x04, 0x07}  # SETTINGS, or GOAWAY (a server that refuses us, in HTTP/2)


@dataclass(frozen=True)
class Speaks:
    http1: bool
    http2: bool

    @property
    def grpc_only(self) -> bool:
        """HTTP/2 and no HTTP/1.x: a gRPC server (REST v2 is HTTP/1.1)."""
        return self.http2 and not self.http1

    @property
    def http1_only(self) -> bool:
        """HTTP/1.x and no HTTP/2: not a gRPC server."""
        return self.http1 and not self.http2


def sniff(url: str, tls=None, timeout: float = TIMEOUT) -> Speaks:
    """`url`: http(s)://host:port (or host:port); `tls`: a clients.tls.TlsSettings for https://.
    A port that cannot be reached, or whose TLS handshake fails, speaks neither."""
    if "://" not in url:
        url = f"http://{url}"
    parts = urlsplit(url)
    host, secure = parts.hostname or "", parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    http1 = _answer(host, port, secure, tls, HTTP1_ASK % host.encode("idna"), ("http/1.1",), timeout)
    http2 = _answer(host, port, secure, tls, H2_PREFACE, ("h2",), timeout)
    return Speaks(http1=http1.startswith(b"HTTP/1."), http2=len(http2) >= 4 and http2[3] in H2_FRAME_TYPES)


def _answer(host: str, port: int, secure: bool, tls, ask: bytes, alpn: tuple[str, ...], timeout: float) -> bytes:
    """The first bytes the port answers `ask` with (b"" when it does not)."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError:
        return b""
    try:
        sock.settimeout(timeout)
        if secure:
            from milvus_conformance.clients.tls import TlsSettings

            settings = tls or TlsSettings()
            context = settings.ssl_context(alpn=alpn)
            sock = context.wrap_socket(sock, server_hostname=settings.server_name or host)
        sock.sendall(ask)
        return sock.recv(16)
    except OSError:  # ssl.SSLError included: refused protocol, handshake failure, reset
        return b""
    finally:
        sock.close()
