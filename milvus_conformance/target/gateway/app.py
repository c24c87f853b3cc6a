"""The gateway's HTTP server: stdlib ``ThreadingHTTPServer`` speaking HTTP/1.1 with Content-Length.

A thin, faithful stand-in for Milvus's REST v2 user routes (Milvus 2.3.5 has no REST v2): every
request is answered the way Milvus >= 2.5.4's gin server answers it (see ``routes.py`` for the
pipeline and the sources), by calling the real server's gRPC API with the caller's credentials.

No framework and no automatic behaviour: any method name is dispatched to the same pipeline (so a
wrong method is a 404, never a 405 or 501), no ``Server`` header is sent, nothing is logged about
requests (never passwords or tokens). Go's net/http framing details reproduced here: the path is
percent-decoded before routing (an invalid escape is 400 "400 Bad Request", connection closed);
bodies are read by Content-Length or chunked encoding; 204 carries no Content-Length; HEAD gets
headers only. A handler exception becomes 500 ``{"code":500}`` (what Milvus's timeout middleware
writes when a handler panics) and the server keeps serving.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from milvus_conformance.target.gateway import milvus_rpc, routes

log = logging.getLogger("milvus_conformance.target.gateway")

_HEX = "0123456789abcdefABCDEF"


class _BadRequest(Exception):
    def __init__(self, status: int = 400, text: str = "400 Bad Request") -> None:
        super().__init__(text)
        self.status, self.text = status, text


def go_unescape_path(raw: str) -> str:
    """``url.PathUnescape``-like decoding of the request path; invalid escapes are errors."""
    out = bytearray()
    data = raw.encode("latin-1", errors="replace")
    i = 0
    while i < len(data):
        c = data[i]
        if c == 0x25:  # %
            h = data[i + 1 : i + 3].decode("latin-1")
            if len(h) != 2 or h[0] not in _HEX or h[1] not in _HEX:
                raise _BadRequest()
            out.append(int(h, 16))
            i += 3
        else:
            out.append(c)
            i += 1
    return out.decode("utf-8", errors="surrogateescape")


def split_target(target: str) -> tuple[str, str | None]:
    """(decoded path, raw query or None) of a request-target."""
    if target.startswith("/"):
        raw_path, sep, query = target.partition("?")
        return go_unescape_path(raw_path), (query if sep else None)
    if "://" in target:
        parts = urlsplit(target)
        return go_unescape_path(parts.path or "/"), (parts.query if "?" in target else None)
    if target == "*":
        return "*", None
    raise _BadRequest()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300  # idle keep-alive connections are dropped after this many seconds

    def setup(self) -> None:
        if self.server.tls_context is not None:  # type: ignore[attr-defined]
            raw = self.request
            self.request = _tls_handshake(raw, self.server.tls_context)  # type: ignore[attr-defined]
            self.server.adopt(raw, self.request)  # type: ignore[attr-defined]
        super().setup()
        # headers and body go out in two writes: without this, Nagle + delayed ACK stall ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def __getattr__(self, name: str):
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def log_message(self, format, *args):  # noqa: A002 - never log requests (tokens, passwords)
        pass

    def _read_body(self) -> bytes:
        te = self.headers.get("Transfer-Encoding")
        if te is not None:
            if te.strip().lower() != "chunked":
                raise _BadRequest(501, "Unsupported transfer encoding")
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise _BadRequest() from None
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        cl = cl.strip()
        if not cl.isascii() or not cl.isdigit():
            raise _BadRequest()
        return self.rfile.read(int(cl))

    def _dispatch(self) -> None:
        gw: routes.Engine = self.server.engine  # type: ignore[attr-defined]
        try:
            body = self._read_body()
            path, query = split_target(self.path)
        except _BadRequest as e:
            resp = routes.Response(
                e.status, [("Content-Type", "text/plain; charset=utf-8")], e.text.encode(), close=True
            )
            return self._write(resp)
        try:
            resp = gw.handle(self.command, path, query, self.headers.get, body)
        except Exception as e:  # a Go handler panic: never crash the server
            log.warning("gateway handler failed: %s", type(e).__name__)
            resp = routes.Response.json(500, {"code": 500})
        self._write(resp)

    def _write(self, resp: routes.Response) -> None:
        self.send_response_only(resp.status)
        self.send_header("Date", self.date_time_string())
        for name, value in resp.headers:
            self.send_header(name, value)
        if resp.status != 204 and resp.status >= 200:
            self.send_header("Content-Length", str(len(resp.body)))
        if resp.close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and resp.body:
            self.wfile.write(resp.body)


# What Go's net/http answers a plain-HTTP request on a TLS port (crypto/tls RecordHeaderError).
_PLAIN_ON_TLS = b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
_TLS_HANDSHAKE_RECORD = 0x16
HANDSHAKE_TIMEOUT_S = 10.0


class _NotTls(Exception):
    pass


def _tls_handshake(sock: socket.socket, context: ssl.SSLContext) -> ssl.SSLSocket:
    """In the connection's own thread (never in the accept loop): a plain-HTTP client gets Go's
    400 answer; a failed handshake (untrusted or missing client certificate) just ends it."""
    sock.settimeout(HANDSHAKE_TIMEOUT_S)
    first = sock.recv(1, socket.MSG_PEEK)
    if first and first[0] != _TLS_HANDSHAKE_RECORD:
        sock.sendall(_PLAIN_ON_TLS)
        raise _NotTls()
    tls = context.wrap_socket(sock, server_side=True)
    tls.settimeout(None)
    return tls


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default 5 resets connections under 16 parallel clients

    def __init__(self, addr, engine: routes.Engine, family: int, tls_context: ssl.SSLContext | None = None) -> None:
        self.address_family = family
        self.engine = engine
        self.tls_context = tls_context
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(addr, _Handler)

    def process_request(self, request, client_address):
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def adopt(self, raw: socket.socket, wrapped: socket.socket) -> None:
        """The TLS socket replaces the raw one it took over (so stop() can still close it)."""
        with self._conns_lock:
            self._conns.discard(raw)
            self._conns.add(wrapped)

    def shutdown_request(self, request):
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        pass  # a client that went away; nothing worth a traceback (and nothing secret logged)

    def close_connections(self) -> None:
        with self._conns_lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class GatewayHandle:
    """A running gateway. ``stop()`` is idempotent."""

    def __init__(self, server: _Server, thread: threading.Thread, rpc: milvus_rpc.MilvusRpc, host: str) -> None:
        self._server, self._thread, self._rpc = server, thread, rpc
        self.host = host
        self.port: int = server.server_address[1]
        self.milvus_address = rpc.address
        self.authorization_enabled = server.engine.authorization_enabled
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def base_url(self) -> str:
        host = "[%s]" % self.host if ":" in self.host else self.host
        scheme = "https" if self._server.tls_context is not None else "http"
        return "%s://%s:%d" % (scheme, host, self.port)

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._rpc.close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "GatewayHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_gateway(
    milvus_address: str = "127.0.0.1:19530",
    host: str = "127.0.0.1",
    port: int = 0,
    authorization_enabled: bool = True,
    server_tls: ssl.SSLContext | None = None,
    upstream_credentials=None,
    standard_error_status: bool = False,
) -> GatewayHandle:
    """Start the gateway in a daemon thread and return its handle (``base_url``, ``stop()``).
    ``server_tls``: serve HTTPS with this server context; ``upstream_credentials``: reach a Milvus
    that serves TLS (``grpc.ChannelCredentials``); ``standard_error_status``: business errors with
    the standard HTTP statuses of Milvus PR #53092 instead of HTTP 200 (error_status.py)."""
    rpc = milvus_rpc.MilvusRpc(milvus_address, upstream_credentials)
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        server = _Server(
            (host, port), routes.Engine(rpc, authorization_enabled, standard_error_status), family, server_tls
        )
    except BaseException:
        rpc.close()
        raise
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="milvus-gateway", daemon=True
    )
    thread.start()
    return GatewayHandle(server, thread, rpc, host)
