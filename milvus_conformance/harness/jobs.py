"""How many cases a run should keep in flight: picked from the target's measured round trip.

`--jobs auto`: threads of the one process (harness/run_ahead.py). Against a target on this machine
(the embedded one, or a round trip under RTT_LOCAL_S) the target and the suite share the cores:
LOCAL_THREADS, so that one case's wait overlaps another's work. Against a remote target most of a
case's time is waiting for answers, so cases overlap: one thread more per MS_PER_THREAD of round
trip, at least 2, at most MAX_THREADS, and no more than --max-users / USERS_PER_CASE (a case that
would exceed the budget waits for room).

`-n auto` (pytest-xdist): workers, each a process that imports pymilvus and schemathesis again:
fewer (`recommend_workers`).

The round trip is measured without credentials: a REST users/list without a token (which the
target refuses) and the TCP handshake to the gRPC endpoint; nothing secret is sent.
"""

from __future__ import annotations

import socket
import statistics
import time
from urllib.parse import urlsplit

RTT_LOCAL_S = 0.003  # under this the target is as good as local
# make conformance on 2 cores, the gateway in its own process: 9.8 s wall with 2, 9.0 s with 3, 9.4 s with 4
LOCAL_THREADS = 3
MS_PER_THREAD = 1.25  # one thread more per 1.25 ms of round trip (16 at 20 ms: measured best, bench/README)
MAX_THREADS = 16
USERS_PER_CASE = 2.5  # users per case in flight: most hold 1-3; a full budget is waited for, not exceeded
USERS_PER_WORKER = 4  # -n auto: a worker's share of --max-users must hold a case and a pending drop
MS_PER_WORKER = 3.0  # -n auto: one worker more per 3 ms of round trip
MAX_WORKERS = 8
SAMPLES = 3


def recommend(rtt: float | None, max_users: int = 20) -> int:
    """Threads for a round trip of `rtt` seconds (None: not measured): 0 means serial."""
    fit = int(max_users // USERS_PER_CASE)
    if rtt is not None and rtt < RTT_LOCAL_S:
        return LOCAL_THREADS if fit >= LOCAL_THREADS else 0
    return _pick(rtt, fit, MS_PER_THREAD, MAX_THREADS)


def recommend_workers(rtt: float | None, max_users: int = 20) -> int:
    """xdist workers (`-n auto`) for a round trip of `rtt` seconds: 0 means serial."""
    return _pick(rtt, max_users // USERS_PER_WORKER, MS_PER_WORKER, MAX_WORKERS)


def _pick(rtt: float | None, fit: int, ms_per: float, most: int) -> int:
    """`fit`: how many fit in the user budget."""
    if rtt is None or rtt < RTT_LOCAL_S:
        return 0
    n = min(most, max(2, round(rtt * 1000 / ms_per)), fit)
    return n if n >= 2 else 0


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
