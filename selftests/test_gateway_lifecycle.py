"""The gateway as a process: authorization off, Milvus down, a handler crash, stop, the CLI."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from milvus_conformance.target.gateway import routes, start_gateway

U = "/v2/vectordb/users/"


# ---------------------------------------------------------------- gateway lifecycle and edge conditions


def test_authorization_disabled_needs_no_header(milvus_grpc_address):
    with start_gateway(milvus_address=milvus_grpc_address, authorization_enabled=False) as gw:
        r = httpx.post(gw.base_url + "/nope", content=b"{}")
        assert r.status_code == 404
        r = httpx.post(gw.base_url + U + "create", content=b"")
        assert r.status_code == 200 and r.json()["code"] == 1801


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_milvus_unavailable_is_503():
    with start_gateway(milvus_address="127.0.0.1:%d" % _closed_port()) as gw:
        r = httpx.post(gw.base_url + U + "list", content=b"{}", headers={"Authorization": "Bearer root:Milvus"})
        assert r.status_code == 503 and r.text == "milvus unavailable"
        assert httpx.post(gw.base_url + U + "list", content=b"{}").status_code == 401


def test_handler_exception_is_500_and_server_survives(monkeypatch):
    with start_gateway(milvus_address="127.0.0.1:%d" % _closed_port(), authorization_enabled=False) as gw:
        monkeypatch.setattr(routes.Engine, "_serve", lambda *a, **k: 1 / 0)
        r = httpx.post(gw.base_url + U + "list", content=b"{}")
        assert r.status_code == 500 and r.json() == {"code": 500}
        monkeypatch.undo()
        assert httpx.post(gw.base_url + "/nope").status_code == 404


def test_stop_is_idempotent():
    gw = start_gateway(milvus_address="127.0.0.1:%d" % _closed_port())
    url = gw.base_url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    gw.stop()
    gw.stop()
    with pytest.raises(httpx.TransportError):
        httpx.post(url + U + "list", timeout=2)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli(sig):
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "milvus_conformance.target.gateway",
            "--milvus",
            "127.0.0.1:%d" % _closed_port(),
            "--port",
            "0",
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        m = re.fullmatch(r"gateway listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert m, line
        assert httpx.post(m.group(1) + U + "list", content=b"{}").status_code == 401
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0 and out == "" and "Traceback" not in err
