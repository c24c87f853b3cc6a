"""Fixtures of the project's own tests. Server-backed self-tests share ONE real Milvus 2.3.5 per
selftests process (each xdist worker starts its own, beside the others: `make selftests` runs them
under `-n SELFTEST_JOBS --dist loadfile`), started on first use in a state dir of its own, or the one
at MILVUS_GRPC_ADDRESS (host:port, token root:Milvus) when that is set."""

from __future__ import annotations

import os
from dataclasses import dataclass
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


@pytest.fixture(scope="session", autouse=True)
def runs_started_here_are_runs_of_their_own():
    """A suite run a self-test starts (a subprocess) is a run of its own, never a share of this
    session's xdist workers: xdist's PYTEST_XDIST_WORKER(_COUNT) in its environment would make it
    count itself as one worker of several (the user budget per worker, --jobs ignored)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT"):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session")
def milvus_grpc_address(tmp_path_factory):
    given = os.environ.get("MILVUS_GRPC_ADDRESS")
    if given:
        yield given
        return
    from milvus_conformance.target.embedded.server import EmbeddedServer

    server = EmbeddedServer(tmp_path_factory.mktemp("selftests-state"))
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


# selftests/releases/ is `make release-smoke` (one server per release, in sequence): a target of its
# own, which `make check` runs beside `make selftests` and `make suite-smoke`.
collect_ignore = ["releases"]
