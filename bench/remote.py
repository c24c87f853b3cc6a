"""The gate tier against a simulated remote cluster (`make bench`, figure 6; or alone):

    python bench/remote.py [--rtt-ms 20] [--create-ms 50] [--jobs 1,4]   # starts the embedded target

Both proxies (faults/proxy.py for REST, faults/grpc_proxy.py for gRPC) sit in front of the target and
add `--rtt-ms` to every REST request and gRPC call (and one more per new connection), `--create-ms`
more to every create (faults/latency.py). The gate tier runs through them once per --jobs value
(1: serial; N: the suite's own concurrency, --jobs N); the serial run's requests are attributed to
the kind of case that sent them (the case's test function), so a reader sees where round trips go.
As against any given target, the user-cap case (which fills the server) is off unless
`--fill-server` is given. Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import bisect
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from milvus_conformance.faults import killrate_runner as killrate  # noqa: E402
from milvus_conformance.faults.grpc_proxy import start_grpc_fault_proxy  # noqa: E402
from milvus_conformance.faults.latency import Latency  # noqa: E402
from milvus_conformance.faults.proxy import start_fault_proxy  # noqa: E402

TIMELINE_ENV = "BENCH_TIMELINE"
RECOMMENDED = ("--max-users", "40")  # README "A cluster in another region": with --jobs auto
OUTSIDE = "(outside any case: start-up, preflight, sweep, end of run)"


def options(label: str) -> tuple[str, ...]:
    """The suite's options for a concurrency label: "1" serial, "N" or "auto" (--jobs), "xN" (xdist -n N)."""
    if label == "1":
        return ()
    if label.startswith("x"):
        return ("-n", label[1:])
    return ("--jobs", label)


def run_remote(ep, rtt: float, create: float, label: str, fill: bool, work: Path, args=()) -> dict:
    """One gate-tier run through both proxies with latency; the serial run carries a timeline."""
    serial = label == "1"
    lat = Latency(rtt=rtt, create=create, record=serial)
    rest = start_fault_proxy(ep.base_url, None, ep.token, latency=lat)
    sdk = start_grpc_fault_proxy(ep.grpc_uri, None, ep.token, latency=lat)
    work.mkdir(parents=True, exist_ok=True)
    timeline = work / "timeline.json"
    env = {"PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")]), TIMELINE_ENV: str(timeline)}
    extra = ("-p", "timeline_plugin", *options(label), *args)
    try:
        status, results, seconds = killrate.run_suite(
            killrate.Endpoints(rest.base_url, sdk.uri, ep.token),
            work,
            "embedded",
            1,
            fill=fill,
            extra_args=extra,
            env=env,
        )
    finally:
        rest.stop()
        sdk.stop()
        killrate.cleanup(rest.created | sdk.created, ep)
    cases = (results or {}).get("cases", [])
    out = {
        "label": label,
        "args": tuple(args),
        "exit": status,
        "wall": seconds,
        "cases": len(cases),
        "counts": (results or {}).get("counts", {}),
        "rest": rest.requests,
        "grpc": sdk.requests,
        "connections": lat.connections,
        "creates": rest.ctx.by_route.get("/v2/vectordb/users/create", 0)
        + sdk.ctx.stats["by_method"].get("CreateCredential", 0),
        "by_method": Counter(sdk.ctx.stats["by_method"])
        + Counter({"REST " + k.rsplit("/", 1)[-1]: v for k, v in rest.ctx.by_route.items()}),
    }
    if serial and timeline.exists():
        out["kinds"] = attribute(lat.log, json.loads(timeline.read_text()))
    return out


def kind_of(nodeid: str) -> str:
    return nodeid.split("[", 1)[0].removeprefix("tests/")


def attribute(log, timeline: dict) -> dict[str, dict]:
    """{kind of case: {cases, rest, grpc}}: each request goes to the case whose window holds it."""
    windows = sorted((start, end, kind_of(node)) for node, start, end in timeline["cases"])
    starts = [w[0] for w in windows]
    kinds: dict[str, dict] = {}
    for _node, _s, _e in timeline["cases"]:
        kinds.setdefault(kind_of(_node), {"cases": 0, "rest": 0, "grpc": 0})["cases"] += 1
    kinds[OUTSIDE] = {"cases": 0, "rest": 0, "grpc": 0}
    for at, surface, _name in log:
        i = bisect.bisect_right(starts, at) - 1
        kind = windows[i][2] if i >= 0 and at <= windows[i][1] else OUTSIDE
        kinds[kind][surface] += 1
    return kinds


def report(runs: list[dict], rtt: float, create: float, top: int = 12, say=print, fill: bool = False) -> None:
    serial = next((r for r in runs if r["label"] == "1"), None)
    say(
        f"6. remote: the user-cap case {'on (--fill-server)' if fill else 'off, as against any cluster (--fill-server: on)'}"
        f"; the suite's options: {' '.join(runs[0]['args']) if runs and runs[0]['args'] else '(none)'}"
    )
    for r in runs:
        how = "serial" if r is serial else " ".join(options(r["label"]))
        say(
            f"6. remote ({rtt * 1000:.0f} ms per request, +{create * 1000:.0f} ms per create), "
            f"{how}: {r['wall']:.1f} s wall, "
            f"{r['cases']} cases, exit {r['exit']}; {r['rest'] + r['grpc']} requests ({r['rest']} REST, "
            f"{r['grpc']} gRPC; {r['creates']} creates; {r['connections']} connections)"
            + (f"; speed-up {serial['wall'] / max(r['wall'], 1e-9):.2f} x serial" if serial and r is not serial else "")
        )
    if serial and serial.get("kinds"):
        kinds = sorted(serial["kinds"].items(), key=lambda kv: -(kv[1]["rest"] + kv[1]["grpc"]))
        say("   where the serial run's requests go (kind of case: cases, requests REST + gRPC, per case):")
        for kind, k in kinds[:top]:
            n = k["rest"] + k["grpc"]
            per = f"{n / k['cases']:.1f}" if k["cases"] else "-"
            say(f"   {n:6d} {k['cases']:4d} cases  {k['rest']:5d} + {k['grpc']:5d}  {per:>6} per case  {kind}")
        rest_n = sum(k["rest"] + k["grpc"] for _, k in kinds[top:])
        if rest_n:
            say(f"   {rest_n:6d} in {len(kinds) - top} other kinds")
        methods = ", ".join(f"{m} {n}" for m, n in serial["by_method"].most_common(10))
        say(f"   by call: {methods}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rtt-ms", type=float, default=float(os.environ.get("BENCH_RTT_MS", "20")))
    ap.add_argument("--create-ms", type=float, default=float(os.environ.get("BENCH_CREATE_MS", "50")))
    ap.add_argument("--jobs", default=os.environ.get("BENCH_JOBS", "1,auto"))
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--fill-server", action="store_true", help="run the user-cap case too (off against a cluster)")
    ap.add_argument("pytest_args", nargs="*", help=f"the suite's options (default: {' '.join(RECOMMENDED)})")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(BENCH))
    from bench import target  # (the embedded target, or the given one)

    work = Path(tempfile.mkdtemp(prefix="bench-remote-"))
    ep, embedded = target()
    runs = []
    try:
        for label in a.jobs.split(","):
            runs.append(
                run_remote(
                    ep,
                    a.rtt_ms / 1000,
                    a.create_ms / 1000,
                    label,
                    a.fill_server,
                    work / f"j{label}",
                    tuple(a.pytest_args) or RECOMMENDED,
                )
            )
    finally:
        if embedded is not None:
            embedded.stop()
    report(runs, a.rtt_ms / 1000, a.create_ms / 1000, a.top, fill=a.fill_server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
