"""How many xdist workers a run should use (`-n auto`, or `--jobs auto`): picked from the target's
measured round trip. Against a target on this machine (the embedded one, or a round trip under
RTT_LOCAL_S) the target and the CPU are the bottleneck and workers only add their start-up (each
imports pymilvus and schemathesis again): serial. Against a remote target most of a case's time is
waiting for answers, so cases of several workers overlap: more workers the longer the round trip,
at most MAX_WORKERS, and never so many that a worker's share of --max-users drops under
MIN_USERS_PER_WORKER.

The round trip is measured without credentials: a REST users/list without a token (which the
target refuses) and the TCP handshake to the gRPC endpoint; nothing secret is sent before the run
has checked the target's certificate, and no gRPC channel exists before xdist starts its workers.
"""

from __future__ import annotations

import socket
import statistics
import time
from urllib.parse import urlsplit

RTT_LOCAL_S = 0.003  # under this the target is as good as local
MS_PER_WORKER = 3.0  # one worker more per 3 ms of round trip
MAX_WORKERS = 8
MIN_USERS_PER_WORKER = 4  # a case holds up to 3 users at once (plus one pending drop)
SAMPLES = 3


def recommend(rtt: float | None, max_users: int = 20) -> int:
    """Workers for a round trip of `rtt` seconds (None: not measured): 0 means serial."""
    if rtt is None or rtt < RTT_LOCAL_S:
        return 0
    workers = min(MAX_WORKERS, max(2, round(rtt * 1000 / MS_PER_WORKER)), max_users // MIN_USERS_PER_WORKER)
    return workers if workers >= 2 else 0


def _rest_rtt(base_url: str) -> float | None:
    import httpx

    times = []
    # no token and no certificate check: nothing secret is sent, only the round trip is timed
    with httpx.Client(base_url=base_url.rstrip("/"), timeout=5, verify=False) as http:
        for _ in range(SAMPLES + 1):  # the first one also opens the connection
            start = time.perf_counter()
            http.post("/v2/vectordb/users/list", json={})
            times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def _grpc_rtt(grpc_uri: str) -> float | None:
    """The TCP handshake to the gRPC endpoint (one round trip). Sockets only: no gRPC channel in
    the controller before xdist starts its workers."""
    target = grpc_uri.split("://", 1)[-1].rstrip("/")
    host, _, port = target.rpartition(":")
    times = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        with socket.create_connection((host.strip("[]"), int(port or 19530)), timeout=5):
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_rtt(base_url: str | None, grpc_uri: str | None) -> float | None:
    """The target's round trip in seconds (the longer of the two surfaces'), or None when it cannot
    be measured (then the run is serial, and the run itself says why the target is unreachable)."""
    found = []
    try:
        if base_url and urlsplit(base_url).hostname:
            found.append(_rest_rtt(base_url))
        if grpc_uri:
            found.append(_grpc_rtt(grpc_uri))
    except Exception:  # noqa: BLE001 - a recommendation only: the run reports the real problem
        return None
    found = [f for f in found if f is not None]
    return max(found) if found else None
