"""What the suite costs, against one target (`make bench`). Prints figures; asserts nothing.

    python bench/bench.py            # starts the embedded target (Milvus 2.3.5 + REST v2 gateway)
    CONFORMANCE_BASE_URL=... CONFORMANCE_GRPC_URI=... CONFORMANCE_TOKEN=... python bench/bench.py

0. start-to-ready of the embedded server (embedded target only): cold (a fresh copy, so the
   release's binaries are unpacked first, as every start did before the unpack cache) and warm (the
   unpacked copy reused);
1. the floor: the server's own latency for create+drop, a plain httpx loop (N pairs);
2. the gate tier, serial, through the no-fault proxies (REST and gRPC), which count the requests
   and sum their latencies: wall time, requests, request time against the floor;
   2b. of those, the credential-exactness cases (issue 20) alone: their requests;
3. the gate tier with -n 2 against serial;
4. the schemathesis CLI against our pytest integration (tests/test_fuzz_rest.py), createUser only
   (the one operation that is safe on a shared target), phases examples+coverage: cases per second;
5. `discover` (the user cap only when the target is embedded): requests and seconds;
6. the gate tier against a simulated remote cluster (bench/remote.py): both proxies add a round
   trip per request (BENCH_RTT_MS, default 20) and more per create (BENCH_CREATE_MS, default 50),
   serially and with `--jobs auto`, and where the serial run's requests go, per kind of case.
See bench/README.md for how to read them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from milvus_conformance.faults import killrate_runner as killrate  # noqa: E402
from milvus_conformance.faults.grpc_proxy import start_grpc_fault_proxy  # noqa: E402
from milvus_conformance.faults.proxy import start_fault_proxy  # noqa: E402
from milvus_conformance.settings import environment  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import remote  # noqa: E402  (figure 6, bench/remote.py)

N = int(os.environ.get("BENCH_N", "200"))
USERS = "/v2/vectordb/users/"
OPERATION = "createUser"
WORK = Path(tempfile.mkdtemp(prefix="bench-"))  # everything the bench writes; removed at the end
STATE = WORK / "state"  # the embedded target's state dir
WARM_STARTS = 2


def start_to_ready() -> dict:
    """Seconds from start to a server that answers gRPC: once cold (unpacking the binaries first),
    then WARM_STARTS times reusing the unpacked copy."""
    from dataclasses import replace

    from milvus_conformance.target.embedded import releases
    from milvus_conformance.target.embedded.server import EmbeddedServer

    # a copy of its own, so that "cold" really unpacks (the shared copy may exist already)
    release = replace(releases.resolve(releases.DEFAULT_VERSION, STATE), unpacked_dir=WORK / "unpacked" / "bin")
    seconds = []
    for _ in range(1 + WARM_STARTS):
        server = EmbeddedServer(STATE, release=release)
        t0 = time.monotonic()
        try:
            server.start()
            seconds.append(time.monotonic() - t0)
        finally:
            server.stop()
    return {"cold": seconds[0], "warm": seconds[1:]}


def target():
    """(endpoints, embedded target to stop or None)."""
    url, grpc, token = (environment(k) for k in ("CONFORMANCE_BASE_URL", "CONFORMANCE_GRPC_URI", "CONFORMANCE_TOKEN"))
    if url and grpc:
        return killrate.Endpoints(url.rstrip("/"), grpc, token or "root:Milvus"), None
    from milvus_conformance.target.embedded.target import EmbeddedTarget

    t = EmbeddedTarget(STATE)
    e = t.start()
    return killrate.Endpoints(e.base_url, e.grpc_uri, e.token), t


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def floor(ep) -> dict:
    """create+drop of a fresh user, N times, nothing else: what the server needs per pair."""
    headers = {"Authorization": f"Bearer {ep.token}", "Content-Type": "application/json"}
    pairs, creates, drops, refused, prefix = [], [], [], 0, f"bench{secrets.token_hex(3)}_"
    with httpx.Client(base_url=ep.base_url, headers=headers, timeout=30) as http:
        for i in range(N):
            name = f"{prefix}{i}"
            t0 = time.perf_counter()
            created = http.post(USERS + "create", json={"userName": name, "password": "Aa1!bench"})
            t1 = time.perf_counter()
            http.post(USERS + "drop", json={"userName": name})
            t2 = time.perf_counter()
            pairs.append(t2 - t0)
            creates.append(t1 - t0)
            drops.append(t2 - t1)
            refused += created.status_code != 200 or '"code":0,' not in created.text
    return {
        "n": N,
        "p50": pct(pairs, 50),
        "p95": pct(pairs, 95),
        "mean": statistics.mean(pairs),
        "create": statistics.mean(creates),
        "drop": statistics.mean(drops),
        "refused": refused,
    }


def gate(ep, workers: int, fill: bool, work: Path) -> dict:
    rest, sdk = start_fault_proxy(ep.base_url, None, ep.token), start_grpc_fault_proxy(ep.grpc_uri, None)
    try:
        status, results, seconds = killrate.run_suite(
            killrate.Endpoints(rest.base_url, sdk.uri, ep.token), work, "embedded", workers, fill=fill
        )
    finally:
        rest.stop()
        sdk.stop()
    creates = rest.ctx.by_route.get(USERS + "create", 0) + sdk.ctx.stats["by_method"].get("CreateCredential", 0)
    return {
        "exit": status,
        "wall": seconds,
        "cases": len((results or {}).get("cases", [])),
        "rest": rest.requests,
        "grpc": sdk.requests,
        "creates": creates,
        "request_seconds": rest.upstream_seconds + sdk.upstream_seconds,
    }


# the cases of issue 20 (credentials exact through their whole life): what they add to the gate tier
CREDENTIAL_MODULES = (
    "tests/test_credential_life.py",
    "tests/test_login_identity.py",
    "tests/test_password_bytes.py",
    "tests/test_name_stored_exactly.py",
)


def credential_cases(ep, work: Path) -> dict:
    """Only the credential-exactness cases, serial, through the no-fault proxies: their requests."""
    rest, sdk = start_fault_proxy(ep.base_url, None, ep.token), start_grpc_fault_proxy(ep.grpc_uri, None)
    try:
        proxied = killrate.Endpoints(rest.base_url, sdk.uri, ep.token)
        work.mkdir(parents=True, exist_ok=True)
        nodes = [n for n in killrate.collect(proxied, "embedded", work) if n.split("::")[0] in CREDENTIAL_MODULES]
        status, results, seconds = killrate.run_suite(proxied, work / "run", "embedded", nodes=nodes)
    finally:
        rest.stop()
        sdk.stop()
    by_method = sdk.ctx.stats["by_method"]
    return {
        "exit": status,
        "wall": seconds,
        "cases": len((results or {}).get("cases", [])),
        "rest": rest.requests,
        "grpc": sdk.requests,
        "logins": rest.ctx.by_route.get(USERS + "describe", 0),
        "listings": rest.ctx.by_route.get(USERS + "list", 0) + by_method.get("ListCredUsers", 0),
        "creates": rest.ctx.by_route.get(USERS + "create", 0) + by_method.get("CreateCredential", 0),
    }


def schemathesis_cli(ep, work: Path) -> dict:
    proxy = start_fault_proxy(ep.base_url, None, ep.token)  # records what it creates: dropped after
    work.mkdir(parents=True, exist_ok=True)
    report = work / "schemathesis.json"
    cmd = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(ROOT / "specs" / "openapi.yaml"),
        "--url",
        proxy.base_url,
        "-H",
        f"Authorization: Bearer {ep.token}",
        "--phases",
        "examples,coverage",
        "--include-operation-id",
        OPERATION,
        "--continue-on-failure",
        "--seed",
        "1",
        "--workers",
        "1",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    try:
        t0 = time.monotonic()
        # a fresh working directory: no .schemathesis/ crash cache in the repository, none replayed
        subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=900)
        wall = time.monotonic() - t0
    finally:
        proxy.stop()
        killrate.cleanup(proxy.created, ep)
    data = json.loads(report.read_text()) if report.exists() else {}
    return {
        "cases": data.get("test_cases", {}).get("generated", 0),
        "wall": wall,
        "run": data.get("running_time") or wall,
        "requests": proxy.requests,
    }


def ours(ep, work: Path) -> dict:
    node = f"tests/test_fuzz_rest.py::test_generated_examples_and_coverage[{OPERATION}]"
    if not (ROOT / "tests" / "test_fuzz_rest.py").exists():
        return {"cases": 0, "wall": 0.0, "run": 0.0, "requests": 0}
    proxy = start_fault_proxy(ep.base_url, None, ep.token)
    try:
        _, results, wall = killrate.run_suite(
            killrate.Endpoints(proxy.base_url, ep.grpc_uri, ep.token), work, "embedded", 1, [node]
        )
    finally:
        proxy.stop()
        killrate.cleanup(proxy.created, ep)
    case = next(iter((results or {}).get("cases", [])), {})
    found = re.search(r"(\d+) generated cases", case.get("message", ""))
    return {
        "cases": int(found.group(1)) if found else 0,
        "wall": wall,
        "run": case.get("duration_s", 0.0),
        "requests": proxy.requests,
    }


def discovery(ep, fill: bool) -> dict:
    """`milvus-conformance discover` against the target: requests and seconds (budget 400 and 30 s)."""
    from milvus_conformance.discover.run import discover
    from milvus_conformance.harness.config import from_values

    config = from_values(
        {
            "base_url": ep.base_url,
            "grpc_uri": ep.grpc_uri,
            "token": ep.token,
            "state_dir": str(WORK / "discover"),
            "fill_server": fill,
        },
        env={},
    )
    found = discover(config, "bench", report=lambda line: None)
    return {
        "requests": found.requests,
        "seconds": found.seconds,
        "observed": sum(i.observed for i in found.items),
        "keys": len(found.items),
    }


def main() -> int:
    started = time.monotonic()
    given = environment("CONFORMANCE_BASE_URL") and environment("CONFORMANCE_GRPC_URI")
    starts = None if given else start_to_ready()  # before the run's server: timed alone
    ep, embedded = target()
    work = WORK / "runs"
    try:
        fl = floor(ep)
        serial = gate(ep, 1, embedded is not None, work / "serial")
        parallel = gate(ep, 2, embedded is not None, work / "n2")
        creds = credential_cases(ep, work / "credentials")
        cli, mine = schemathesis_cli(ep, work), ours(ep, work / "fuzz")
        found = discovery(ep, embedded is not None)
        rtt, create = (
            float(os.environ.get(k, d)) / 1000 for k, d in (("BENCH_RTT_MS", "20"), ("BENCH_CREATE_MS", "50"))
        )
        far = [
            remote.run_remote(ep, rtt, create, label, False, work / f"remote-{label}", remote.RECOMMENDED)
            for label in os.environ.get("BENCH_JOBS", "1,auto").split(",")
        ]
    finally:
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(WORK, ignore_errors=True)
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    requests = serial["rest"] + serial["grpc"]
    # the floor of the gate tier: each create costs a floor create, every other request a floor drop
    floor_s = serial["creates"] * fl["create"] + (requests - serial["creates"]) * fl["drop"]
    print(f"target: {ep.base_url} (REST), {ep.grpc_uri} (gRPC); {'embedded' if embedded else 'given'}")
    if starts:
        print(
            f"0. start-to-ready, embedded Milvus: cold {starts['cold']:.1f} s (binaries unpacked first), "
            f"warm {', '.join(f'{w:.1f}' for w in starts['warm'])} s (unpacked copy reused); "
            f"saving {starts['cold'] - statistics.median(starts['warm']):.1f} s per start"
        )
    print(
        f"1. floor, create+drop over REST, N={fl['n']}: p50 {ms(fl['p50'])}, p95 {ms(fl['p95'])}, "
        f"mean {ms(fl['mean'])} (create {ms(fl['create'])}, drop {ms(fl['drop'])})"
        + (f"; {fl['refused']} creates REFUSED (not a floor)" if fl["refused"] else "")
    )
    print(
        f"2. gate tier, serial: {serial['wall']:.1f} s wall, {serial['cases']} cases, exit {serial['exit']}; "
        f"{requests} requests ({serial['rest']} REST, {serial['grpc']} gRPC; {serial['creates']} creates); "
        f"request time {serial['request_seconds']:.1f} s = {serial['request_seconds'] / max(floor_s, 1e-9):.2f} x "
        f"the floor for those requests ({floor_s:.1f} s); wall = "
        f"{serial['wall'] / max(serial['request_seconds'], 1e-9):.1f} x request time"
    )
    extra = creds["rest"] + creds["grpc"]
    print(
        f"2b. of which credential exactness (issue 20, {len(CREDENTIAL_MODULES)} modules, alone): "
        f"{creds['cases']} cases, exit {creds['exit']}, {creds['wall']:.1f} s wall; {extra} requests "
        f"({creds['rest']} REST, {creds['grpc']} gRPC; {creds['creates']} creates, {creds['listings']} "
        f"listings, {creds['logins']} REST logins; SDK logins open a connection each) = "
        f"{extra / max(requests, 1):.0%} of the gate tier's requests"
    )
    print(
        f"3. gate tier, -n 2: {parallel['wall']:.1f} s wall (serial {serial['wall']:.1f} s, speed-up "
        f"{serial['wall'] / max(parallel['wall'], 1e-9):.2f} x), exit {parallel['exit']}"
    )
    for label, r in (("schemathesis CLI ", cli), ("pytest integration", mine)):
        print(
            f"4. {label} ({OPERATION}; examples+coverage): {r['cases']} cases, {r['requests']} requests, "
            f"{r['wall']:.1f} s wall ({r['cases'] / max(r['wall'], 1e-9):.1f} cases/s), "
            f"{r['run']:.1f} s generating+running ({r['cases'] / max(r['run'], 1e-9):.1f} cases/s)"
        )
    print(
        f"5. discover: {found['observed']} of {found['keys']} keys observed with {found['requests']} "
        f"requests in {found['seconds']:.1f} s (budget: 400 requests, 30 s)"
    )
    remote.report(far, rtt, create)
    print(
        f"bench: {time.monotonic() - started:.0f} s in all; load average at the end "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
