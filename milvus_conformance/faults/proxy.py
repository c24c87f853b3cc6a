"""The fault-injecting HTTP proxy for the REST surface: sits between the suite and any REST target,
applies ONE named fault (or none) and forwards everything else unchanged - method, raw path and
query, headers (Authorization included), body; status, headers and body of the answer.

    from milvus_conformance.faults.proxy import start_fault_proxy
    px = start_fault_proxy("http://127.0.0.1:41223", "duplicate-code-0", admin_token="root:Milvus")
    px.base_url      # give this to the suite as --base-url
    px.requests      # how many requests went through (the bench counts with it)
    px.created       # user names the upstream answered a create for with code 0 (for clean-up)
    px.stop()

Thin on purpose: stdlib ``http.server`` in a daemon thread, ``httpx`` upstream, no redirects
followed, nothing logged (requests carry tokens and passwords).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.faults.catalogue import by_name
from milvus_conformance.faults.latency import Latency
from milvus_conformance.faults.model import CREATE, DROP, Fault, FaultContext, Req, Resp

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    "host",
    "content-encoding",
}


class Context(FaultContext):
    """The HTTP proxy's context: forwarding more requests upstream, plus what every fault context has."""

    def __init__(
        self, upstream: str, admin_token: str | None, profile, timeout: float = 60.0, latency: Latency | None = None
    ):
        super().__init__(admin_token, profile)
        self.latency = latency or Latency()  # a simulated remote target (faults/latency.py)
        self.upstream = upstream.rstrip("/")
        self.requests = 0
        self.upstream_seconds = 0.0  # summed latency of the forwarded requests
        self.by_route: dict[str, int] = {}  # forwarded requests per path
        self.created: set[str] = set()
        self._http = httpx.Client(timeout=timeout, follow_redirects=False)

    def as_admin(self, req: Req) -> Req:
        return req.with_header("Authorization", f"Bearer {self.admin_token}")

    def forward(self, req: Req) -> Resp:
        url = httpx.URL(self.upstream).copy_with(raw_path=req.target.encode("latin-1", "replace"))
        headers = [
            (k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in req.headers if k.lower() not in HOP_BY_HOP
        ]  # bytes: header values pass unchanged
        self.latency.request("rest", req.path.rsplit("/", 1)[-1], req.path == CREATE)
        started = time.perf_counter()
        r = self._http.request(req.method, url, headers=headers, content=req.body)
        with self.lock:
            self.requests += 1
            self.upstream_seconds += time.perf_counter() - started
            self.by_route[req.path] = self.by_route.get(req.path, 0) + 1
        out = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in r.headers.raw
            if k.decode("latin-1").lower() not in HOP_BY_HOP
        ]
        if req.method == "HEAD" and "content-length" in r.headers:
            out.append(("Content-Length", r.headers["content-length"]))
        resp = Resp(r.status_code, out, r.content)
        self._note_created(req, resp)
        return resp

    def _note_created(self, req: Req, resp: Resp) -> None:
        body = req.json()
        if (
            req.path == CREATE
            and resp.status == 200
            and resp.code == 0
            and isinstance(body, dict)
            and isinstance(body.get("userName"), str)
        ):
            with self.lock:
                self.created.add(body["userName"])

    def drop_user(self, name: str) -> Resp:
        return self.forward(
            self.as_admin(Req("POST", DROP, [("Content-Type", "application/json")])).with_json({"userName": name})
        )

    def close(self) -> None:
        self._http.close()


def apply_fault(fault: Fault | None, req: Req, ctx: Context) -> Resp:
    """The whole pipeline for one request: request transform (which may answer by itself), forward
    (through `around` when the fault has one), response transform. `fault` None forwards unchanged."""
    if fault is None:
        return ctx.forward(req)
    if fault.request_transform is not None:
        out = fault.request_transform(req, ctx)
        if isinstance(out, Resp):
            return out
        req = out
    resp = fault.around(req, ctx, ctx.forward) if fault.around is not None else ctx.forward(req)
    if fault.response_transform is not None:
        resp = fault.response_transform(req, resp, ctx)
    return resp


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300

    def __getattr__(self, name: str):
        if name.startswith("do_"):
            return self._dispatch  # any method, as the target sees it
        raise AttributeError(name)

    def setup(self) -> None:
        super().setup()  # headers and body go out in two writes: without this, Nagle + delayed ACK
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # cost ~40 ms each
        self.server.ctx.latency.new_connection()

    def log_message(self, format, *args):  # noqa: A002 - never log (tokens, passwords)
        pass

    def _read_body(self) -> bytes:
        if (self.headers.get("Transfer-Encoding") or "").strip().lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline(65537).split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = (self.headers.get("Content-Length") or "").strip()
        return self.rfile.read(int(length)) if length.isdigit() else b""

    def _dispatch(self) -> None:
        server = self.server
        req = Req(self.command, self.path, list(self.headers.items()), self._read_body())
        try:
            resp = apply_fault(server.fault, req, server.ctx)
        except httpx.HTTPError as exc:
            resp = Resp(
                502,
                [("Content-Type", "text/plain; charset=utf-8")],
                f"fault proxy: upstream failed: {type(exc).__name__}".encode(),
            )
        self.send_response_only(resp.status)
        for name, value in resp.headers:
            self.send_header(name, value)
        if self.command != "HEAD" and resp.status not in (204, 304) and resp.status >= 200:
            self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if self.command != "HEAD" and resp.body:
            self.wfile.write(resp.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the suite opens dozens of connections at once (concurrency cases)

    def handle_error(self, request, client_address):
        pass


@dataclass
class ProxyHandle:
    server: _Server
    thread: threading.Thread
    ctx: Context

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> int:
        return self.ctx.requests

    @property
    def created(self) -> set[str]:
        return set(self.ctx.created)

    @property
    def upstream_seconds(self) -> float:
        return self.ctx.upstream_seconds

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()
        self.ctx.close()


def start_fault_proxy(
    upstream: str,
    fault_name: str | None,
    admin_token: str | None = "root:Milvus",
    profile: str = "embedded",
    host: str = "127.0.0.1",
    port: int = 0,
    latency: Latency | None = None,
) -> ProxyHandle:
    """Start the proxy in a daemon thread. `fault_name` None (or "none") forwards everything;
    `latency` makes the target look remote (faults/latency.py)."""
    fault = None if fault_name in (None, "none") else by_name(fault_name)
    if fault is not None and fault.layer != "http":
        raise ValueError(f"{fault.name} is a {fault.layer} fault, not one for the HTTP proxy")
    server = _Server((host, port), _Handler)
    server.fault = fault
    server.ctx = Context(upstream, admin_token, load_profile(profile) if profile else None, latency=latency)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="fault-proxy", daemon=True
    )
    thread.start()
    return ProxyHandle(server, thread, server.ctx)


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="fault-injecting proxy for a REST v2 target")
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--fault", default=None)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--admin-token", default="root:Milvus")
    args = ap.parse_args(argv)
    handle = start_fault_proxy(args.upstream, args.fault, args.admin_token, port=args.port)
    print(f"fault proxy ({args.fault or 'no fault'}) on {handle.base_url} -> {args.upstream}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        handle.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
