"""Fixtures of the project's own tests. Server-backed self-tests share ONE real Milvus 2.3.5 for the
whole selftests session (only one can run on a machine: etcd's port 2380), started on first use, or
the one at MILVUS_GRPC_ADDRESS (host:port, token root:Milvus) when that is set."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT_TOKEN = "root:Milvus"


@dataclass
class Endpoints:
    grpc_address: str  # host:port
    base_url: str  # REST v2 gateway in front of it
    token: str = ROOT_TOKEN

    @property
    def grpc_uri(self) -> str:
        return f"http://{self.grpc_address}"


@pytest.fixture(scope="session")
def milvus_grpc_address():
    given = os.environ.get("MILVUS_GRPC_ADDRESS")
    if given:
        yield given
        return
    from milvus_conformance.target.embedded.server import EmbeddedServer

    server = EmbeddedServer(Path(tempfile.mkdtemp(prefix="selftests-state-")))
    info = server.start()
    try:
        yield f"127.0.0.1:{info.grpc_port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def embedded_endpoints(milvus_grpc_address):
    from milvus_conformance.target.gateway import start_gateway

    gateway = start_gateway(milvus_address=milvus_grpc_address, host="127.0.0.1", port=0, authorization_enabled=True)
    try:
        yield Endpoints(milvus_grpc_address, gateway.base_url)
    finally:
        gateway.stop()


# selftests/releases/ starts embedded servers of its own (one per release, in sequence): it cannot run
# beside this session's shared server (etcd's fixed port), so `make release-smoke` runs it alone.
collect_ignore = ["releases"]
