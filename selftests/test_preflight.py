"""Preflight tells infrastructure problems apart from conformance: stub servers, no Milvus needed."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from milvus_conformance.errors import ExitStatus, HarnessError
from milvus_conformance.harness.config import from_values
from milvus_conformance.harness.run_context import RunContext


def stub(answer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body, ctype = answer(self.headers.get("Authorization", ""))
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def serve():
    servers = []

    def start(answer):
        s = stub(answer)
        servers.append(s)
        return f"http://127.0.0.1:{s.server_address[1]}"

    yield start
    for s in servers:
        s.shutdown()


def context(url, **flags):
    return RunContext(config=from_values({"base_url": url, "token": "root:Milvus", **flags}, env={}), run_id="t00000")


def everyone_welcome(auth):
    return 200, json.dumps({"code": 0, "data": ["root"]}), "application/json"


def checks_auth(auth):
    if auth == "Bearer root:Milvus":
        return 200, json.dumps({"code": 0, "data": ["root"]}), "application/json"
    return 401, json.dumps({"code": 1800, "message": "user hasn't authenticated"}), "application/json"


def test_authorization_disabled_is_an_infrastructure_error(serve):
    ctx = context(serve(everyone_welcome))
    ctx.start(report=lambda line: None)
    with pytest.raises(HarnessError, match="authorization disabled") as info:
        ctx.preflight()
    assert info.value.exit_status == ExitStatus.INFRASTRUCTURE


def test_authorization_disabled_can_be_allowed(serve):
    ctx = context(serve(everyone_welcome), allow_auth_disabled=True)
    ctx.start(report=lambda line: None)
    ctx.preflight()
    assert ctx.auth_enabled is False


def test_a_conforming_target_passes_preflight(serve):
    ctx = context(serve(checks_auth))
    ctx.start(report=lambda line: None)
    ctx.preflight()
    assert ctx.auth_enabled is True


@pytest.mark.parametrize(
    "answer",
    [
        lambda auth: (200, "<html>hello</html>", "text/html"),  # not Milvus at all
        lambda auth: (401, '{"code":1800,"message":"no"}', "application/json"),  # our token refused
        lambda auth: (502, "bad gateway", "text/plain"),
    ],
)
def test_garbage_or_refusal_is_a_one_line_harness_error(serve, answer):
    ctx = context(serve(answer))
    ctx.start(report=lambda line: None)
    with pytest.raises(HarnessError) as info:
        ctx.preflight()
    assert "\n" not in str(info.value) and "root:Milvus" not in str(info.value)


def test_unreachable_target(serve):
    ctx = context("http://127.0.0.1:9")
    ctx.start(report=lambda line: None)
    with pytest.raises(HarnessError, match="unreachable"):
        ctx.preflight()
