"""The embedded target's gateway in a process of its own (target/embedded/gateway_process.py): it
says where it listens, it joins the server's process group (stopped with it), and a gateway that
cannot start says why in one line."""

import subprocess

import httpx
import pytest

from milvus_conformance.errors import EmbeddedStartError
from milvus_conformance.target.embedded.gateway_process import GatewayProcess
from milvus_conformance.target.embedded.server import group_alive, stop_group


@pytest.fixture
def group():
    """A process group of our session standing in for the server's (its leader sleeps)."""
    leader = subprocess.Popen(["sleep", "60"], process_group=0)
    yield leader.pid
    stop_group(leader.pid, timeout=2)
    leader.wait()


def test_it_listens_and_goes_with_the_group(group, tmp_path):
    gateway = GatewayProcess.spawn("127.0.0.1:9", group, tmp_path / "gateway.log", [], standard_errors=False)
    base_url = gateway.wait_listening(timeout=20)
    assert base_url.startswith("http://127.0.0.1:")
    answer = httpx.post(f"{base_url}/v2/vectordb/users/list", json={}, timeout=10)
    assert answer.status_code == 401 and "code" in answer.json()  # refused: no credentials
    assert group_alive(group)
    stop_group(group, timeout=5)
    assert not group_alive(group), "the gateway outlived its group's stop"
    gateway.stop()


def test_a_gateway_that_cannot_start_says_why(group, tmp_path):
    missing = str(tmp_path / "missing.pem")
    gateway = GatewayProcess.spawn(
        "127.0.0.1:9", group, tmp_path / "gateway.log", ["--tls-cert", missing, "--tls-key", missing], False
    )
    with pytest.raises(EmbeddedStartError, match=r"exited during start \(status 1\): gateway: cannot serve"):
        gateway.wait_listening(timeout=20)
    gateway.stop()
