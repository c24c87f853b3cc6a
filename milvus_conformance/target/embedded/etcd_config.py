"""The embedded etcd's own configuration, so that several embedded Milvus servers run side by side.

Milvus starts its embedded etcd from the file named by `etcd.config.path` (the environment variable
ETCD_CONFIG_PATH), or from etcd's defaults when there is none: peer port 2380 and client port 2379,
the same for every server, so a second server on the machine (or network namespace) failed to start.
The `milvus-server` wrapper's template has no setting for them; this file gives each server ports of
its own. Milvus sets the data directory and the log itself (after reading this file)."""

from __future__ import annotations

from pathlib import Path

ENV_VAR = "ETCD_CONFIG_PATH"
# A one-member etcd still waits its election timeout (etcd's default 1,000 ms, randomized up to twice
# that) before it elects itself, and every Milvus component waits for that leader: with 100 ms the
# embedded Milvus is ready about 0.8 s sooner. One member never loses its leader, so a short timeout
# costs nothing (etcd wants it at least 5 heartbeats).
HEARTBEAT_MS = 10
ELECTION_MS = 100
FILE_NAME = "embedded-etcd.yaml"


def write_etcd_config(data_dir: Path, client_port: int, peer_port: int) -> Path:
    """The config file in the server's data directory; its client port is the one the wrapper gives
    Milvus as --etcd-port (etcd.endpoints), so that both name the same etcd."""
    client, peer = f"http://127.0.0.1:{client_port}", f"http://127.0.0.1:{peer_port}"
    path = Path(data_dir) / FILE_NAME
    path.write_text(
        "name: default\n"
        f"listen-peer-urls: {peer}\n"
        f"initial-advertise-peer-urls: {peer}\n"
        f"initial-cluster: default={peer}\n"
        "initial-cluster-state: new\n"
        f"listen-client-urls: {client}\n"
        f"advertise-client-urls: {client}\n"
        f"heartbeat-interval: {HEARTBEAT_MS}\n"
        f"election-timeout: {ELECTION_MS}\n",
        encoding="utf-8",
    )
    return path
