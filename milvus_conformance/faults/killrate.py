"""The suite's power: run the gate tier through each fault of the catalogue. A fault is KILLED when
a case that cites the fault's requirement ends fail or unexpected_pass (and passes without the fault).

One target serves every fault (the embedded server + gateway started here, or given endpoints).
First the clean runs: the whole gate tier through the REST proxy without a fault (must conform; its
case durations are kept), and the SDK faults' cases through the gRPC proxy without a fault. Then per
fault, in a subprocess behind its proxy, only the cases that can kill it: those citing its
requirement, fast ones first, slow (generated) ones only if needed. Two faults run side by side, each
serially (measured: faster than -n 2 for selections this small).

    python -m milvus_conformance.faults.killrate --reports-dir reports [--base-url U --grpc-uri G]

Also a pytest plugin (`-p milvus_conformance.faults.killrate`): CONFORMANCE_KILLRATE_DUMP=file gets
{nodeid: requirement IDs}; CONFORMANCE_KILLRATE_SELECT=file (JSON node IDs) deselects all others.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from milvus_conformance import REPO_ROOT

DUMP_ENV, SELECT_ENV = "CONFORMANCE_KILLRATE_DUMP", "CONFORMANCE_KILLRATE_SELECT"
PLUGIN = "milvus_conformance.faults.killrate"   # not __name__: that is "__main__" under python -m
SLOW_S = 1.0          # a case slower than this in the clean run runs only if the fast ones did not kill


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    cites = {i.nodeid: sorted({r for m in i.iter_markers("requirement") for r in m.args}) for i in items}
    if os.environ.get(DUMP_ENV):
        Path(os.environ[DUMP_ENV]).write_text(json.dumps(cites))
    if os.environ.get(SELECT_ENV):
        wanted = set(json.loads(Path(os.environ[SELECT_ENV]).read_text()))
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid not in wanted])
        items[:] = [i for i in items if i.nodeid in wanted]


@dataclass
class Endpoints:
    base_url: str
    grpc_uri: str
    token: str


@dataclass
class FaultResult:
    name: str
    requirement: str
    surface: str
    description: str
    status: str                    # killed | survived | not_applicable | no_case | error
    killed_by: list[str] = field(default_factory=list)
    failed_requirements: list[str] = field(default_factory=list)   # cited by all failing cases
    selected: int = 0              # cases run
    exit_status: int | None = None
    seconds: float = 0.0
    note: str = ""
    evidence: str = ""             # the first killer's message, shortened


def _env(extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_") and k != "PYTEST_ADDOPTS"}
    return {**env, **extra}


def _pytest(ep: Endpoints, profile: str, work: Path, *args: str) -> list[str]:
    # --assert=plain: no assertion rewriting at start-up (seconds per run without a bytecode cache)
    return [sys.executable, "-m", "pytest", *args, "-q", "--assert=plain", "-p", "no:cacheprovider",
            "-p", PLUGIN, "--base-url", ep.base_url, "--grpc-uri", ep.grpc_uri, "--token", ep.token,
            "--profile", profile, "--reports-dir", str(work / "reports"), "--state-dir", str(work / "state")]


def run_suite(ep: Endpoints, work: Path, profile: str, workers: int = 1, nodes: list[str] | None = None,
              fill: bool = False) -> tuple[int, dict | None, float]:
    """One suite run in a subprocess: the whole gate tier, or only `nodes` (node IDs).
    Returns (exit status, results.json as a dict or None, seconds)."""
    work.mkdir(parents=True, exist_ok=True)
    files = sorted({n.split("::")[0] for n in nodes}) if nodes is not None else ["tests"]
    cmd = _pytest(ep, profile, work, *files) + (["-n", str(workers)] if workers > 1 else []) \
        + (["--fill-server"] if fill else [])
    env = {}
    if nodes is not None:
        (work / "select.json").write_text(json.dumps(sorted(nodes)))
        env[SELECT_ENV] = str(work / "select.json")
    started = time.monotonic()
    with open(work / "pytest.log", "wb") as log:
        status = subprocess.run(cmd, cwd=REPO_ROOT, env=_env(env), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, timeout=1800).returncode
    results = work / "reports" / "results.json"
    return status, (json.loads(results.read_text()) if results.exists() else None), time.monotonic() - started


def collect(ep: Endpoints, profile: str, work: Path) -> dict[str, list[str]]:
    """{nodeid: requirement IDs} of every case of the suite (no request is sent)."""
    dump = work / "collected.json"
    out = subprocess.run(_pytest(ep, profile, work, "tests", "--collect-only"), cwd=REPO_ROOT,
                         env=_env({DUMP_ENV: str(dump)}), capture_output=True, text=True, timeout=300)
    if not dump.exists():
        raise RuntimeError(f"collecting the suite failed (exit {out.returncode}):\n{out.stdout[-2000:]}")
    return json.loads(dump.read_text())


def judge_fault(fault, results: dict | None, status: int, noise: set[str] = frozenset()):
    """(status, killers, failing requirements, note, evidence). `noise`: cases that do not pass
    without a fault behind the same proxy; they kill nothing."""
    if results is None:
        return "error", [], [], f"no results.json (exit {status})", ""
    bad = [c for c in results["cases"] if c["status"] in ("fail", "unexpected_pass") and c["case_id"] not in noise]
    killers = sorted(c["case_id"] for c in bad if fault.requirement in c["requirements"])
    failed_reqs = sorted({r for c in bad for r in c["requirements"]})
    errors = [c["case_id"] for c in results["cases"] if c["status"] == "error"]
    note = "; ".join(results.get("harness_errors", []) + [f"error: {e}" for e in errors[:3]])
    if killers:
        first = next(c for c in bad if c["case_id"] == killers[0])
        return "killed", killers, failed_reqs, note, (first["message"].splitlines() or [""])[0][:200]
    return ("error" if status not in (0, 1) else "survived"), [], failed_reqs, note, ""


def _cleanup(names: set[str], ep: Endpoints) -> None:
    """Drop the users created under names the suite's ledger does not know (recorded by the proxy)."""
    from pymilvus import MilvusClient

    if not names:
        return
    client = MilvusClient(uri=ep.grpc_uri, token=ep.token, timeout=10)
    try:
        for name in sorted(names & set(client.list_users()) - {"root"}):
            client.drop_user(user_name=name)
    finally:
        client.close()


def _proxied(ep: Endpoints, surface: str, fault, profile: str):
    """(proxy handle, endpoints through it): REST faults behind the HTTP proxy, SDK ones behind gRPC."""
    from milvus_conformance.faults.grpc_faults import start_grpc_fault_proxy
    from milvus_conformance.faults.proxy import start_fault_proxy

    if surface == "rest":
        proxy = start_fault_proxy(ep.base_url, fault.name if fault else None, ep.token, profile)
        return proxy, Endpoints(proxy.base_url, ep.grpc_uri, ep.token)
    proxy = start_grpc_fault_proxy(ep.grpc_uri, fault)
    return proxy, Endpoints(ep.base_url, proxy.uri, ep.token)


def _not_passing(results: dict | None) -> set[str]:
    fine = ("pass", "known_deviation", "skip")
    return {c["case_id"] for c in (results or {}).get("cases", []) if c["status"] not in fine}


class KillRate:
    """One target, many faults: `prepare()` once, then `run_fault(fault)` or `run_all(faults)`.
    `fill`: the target is ours alone, so the user-cap case may fill it (--fill-server)."""

    def __init__(self, endpoints: Endpoints, profile: str = "embedded", work: Path | None = None,
                 fill: bool = False):
        self.ep, self.profile, self.fill = endpoints, profile, fill
        self.work = work or Path(tempfile.mkdtemp(prefix="killrate-"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.cites: dict[str, list[str]] = {}
        self.clean: dict = {}
        self.noise: dict[str, set[str]] = {"rest": set(), "sdk": set()}
        self.cost: dict[str, float] = {}           # case -> seconds in the clean run

    def _clean(self, surface: str, name: str, nodes=None, workers: int = 1):
        proxy, target = _proxied(self.ep, surface, None, self.profile)
        try:
            status, results, seconds = run_suite(target, self.work / name, self.profile, workers, nodes, self.fill)
        finally:
            proxy.stop()
        return {"exit_status": status, "seconds": round(seconds, 1), "counts": (results or {}).get("counts", {}),
                "not_passing": sorted(_not_passing(results)), "log": str(self.work / name / "pytest.log"),
                "requests": getattr(proxy, "requests", None)}, results

    def prepare(self, sdk_requirements: set[str] = frozenset()) -> dict:
        """The whole gate tier through the REST proxy, no fault (-n 2): it must conform. Then the SDK
        faults' cases through the gRPC proxy, no fault: what fails there (e.g. a deadline race that
        the extra hop decides differently) kills nothing."""
        self.cites = collect(self.ep, self.profile, self.work)
        self.clean, results = self._clean("rest", "clean", workers=2)
        self.noise["rest"] = set(self.clean["not_passing"])
        self.cost = {c["case_id"]: c["duration_s"] for c in (results or {}).get("cases", [])}
        if sdk_requirements:
            nodes = [n for n, reqs in self.cites.items() if sdk_requirements & set(reqs)]
            self.clean["sdk_proxy"], _ = self._clean("sdk", "clean-sdk", nodes)
            self.noise["sdk"] = set(self.clean["sdk_proxy"]["not_passing"]) | self.noise["rest"]
        return self.clean

    def phases(self, fault) -> list[list[str]]:
        """The cases that can kill `fault` (citing its requirement, passing without a fault): the
        fast ones, then the slow ones."""
        nodes = [n for n, reqs in self.cites.items()
                 if fault.requirement in reqs and n not in self.noise[fault.surface]]
        fast = [n for n in nodes if self.cost.get(n, 0.0) < SLOW_S]
        return [p for p in (fast, [n for n in nodes if n not in fast]) if p]

    def run_fault(self, fault) -> FaultResult:
        from milvus_conformance.contract.profiles import load_profile

        r = FaultResult(fault.name, fault.requirement, fault.surface, fault.description, "no_case")
        if not fault.applies_to(load_profile(self.profile)):
            r.status, r.note = "not_applicable", f"does not apply to profile {self.profile}"
            return r
        if fault.needs_fill and not self.fill:
            r.status, r.note = "not_applicable", "needs the user-cap case: a target of our own (--fill-server)"
            return r
        for phase in self.phases(fault):
            proxy, target = _proxied(self.ep, fault.surface, fault, self.profile)
            try:
                r.exit_status, results, seconds = run_suite(
                    target, self.work / f"{fault.name}-{r.selected}", self.profile, 1, phase, self.fill)
            finally:
                proxy.stop()
                _cleanup(proxy.created, self.ep)
            r.selected, r.seconds = r.selected + len(phase), r.seconds + seconds
            r.status, r.killed_by, r.failed_requirements, r.note, r.evidence = judge_fault(
                fault, results, r.exit_status, self.noise[fault.surface])
            if r.status == "killed":
                break
        if not r.selected:
            r.note = f"no case cites {fault.requirement} (or none of them passes without a fault)"
        return r

    def run_all(self, faults, jobs: int = 2, log=None) -> list[FaultResult]:
        """Faults side by side (`jobs` at once); those that fill the server to its cap alone, last."""
        def one(fault):
            r = self.run_fault(fault)
            if log:
                log(f"{r.status:>14}  {fault.name}  ({r.selected} cases, {r.seconds:.1f} s)")
            return r

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            done = dict(pool.map(lambda f: (f.name, one(f)), [f for f in faults if not f.needs_fill]))
        done.update((f.name, one(f)) for f in faults if f.needs_fill)
        return [done[f.name] for f in faults]


def run(fault_names: list[str] | None, reports_dir: str | Path, endpoints: Endpoints | None = None,
        profile: str = "embedded", state_dir: str | Path | None = None, log=print, jobs: int = 2,
        fill: bool | None = None) -> dict:
    """The clean runs and every named fault (all when None); writes killrate.md and killrate.json.
    Without `endpoints` it starts the embedded target (server + gateway), which it may then fill."""
    from milvus_conformance.faults.catalogue import all_faults, by_name

    faults = all_faults() if not fault_names else [by_name(n) for n in fault_names]
    started, target = time.monotonic(), None
    if endpoints is None:
        from milvus_conformance.target.embedded.target import EmbeddedTarget

        target = EmbeddedTarget(Path(state_dir or tempfile.mkdtemp(prefix="killrate-state-")))
        e = target.start()
        endpoints = Endpoints(e.base_url, e.grpc_uri, e.token)
    try:
        kr = KillRate(endpoints, profile, fill=(target is not None) if fill is None else fill)
        clean = kr.prepare({f.requirement for f in faults if f.surface == "sdk"})
        log(f"clean run: exit {clean['exit_status']} in {clean['seconds']} s ({clean['counts']})")
        results = kr.run_all(faults, jobs, log)
    finally:
        if target is not None:
            target.stop()
    report = summary(results, clean, time.monotonic() - started, profile, len(kr.cites))
    write(report, Path(reports_dir))
    return report


def summary(results: list[FaultResult], clean: dict, seconds: float, profile: str, cases: int) -> dict:
    counted = [r for r in results if r.status != "not_applicable"]
    return {"profile": profile, "cases_in_suite": cases, "clean_run": clean,
            "killed": sum(r.status == "killed" for r in counted), "counted": len(counted),
            "total_seconds": round(seconds, 1), "faults": [asdict(r) for r in results]}


def write(report: dict, reports_dir: Path) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / "killrate.json").write_text(json.dumps(report, indent=2) + "\n")
    clean = report["clean_run"]
    lines = [f"# Kill rate: {report['killed']}/{report['counted']} faults killed", "",
             f"Profile `{report['profile']}`; {report['cases_in_suite']} cases in the suite; clean run exit "
             f"{clean['exit_status']} in {clean['seconds']} s; total {report['total_seconds']} s.", "",
             "| fault | surface | requirement | killed? | killed by | evidence / note |", "|---|---|---|---|---|---|"]
    for f in report["faults"]:
        by = "<br>".join(f"`{c}`" for c in f["killed_by"][:4]) + (" ..." if len(f["killed_by"]) > 4 else "")
        note = f["evidence"] or f["note"] or ("failing: " + ", ".join(f["failed_requirements"])
                                              if f["failed_requirements"] else "")
        lines.append(f"| `{f['name']}` | {f['surface']} | {f['requirement']} | {f['status']} | {by} | "
                     f"{note.replace('|', '/')[:240]} |")
    noise = clean.get("not_passing", []) + clean.get("sdk_proxy", {}).get("not_passing", [])
    if noise:
        lines += ["", "Not passing without a fault (they kill nothing):", ""] + [f"- `{c}`" for c in noise]
    lines += ["", "Faults:", ""] + [f"- `{f['name']}`: {f['description']}" for f in report["faults"]]
    (reports_dir / "killrate.md").write_text("\n".join(lines) + "\n")


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="run the suite through each fault; write the kill rate")
    ap.add_argument("--reports-dir", default=str(REPO_ROOT / "reports"))
    ap.add_argument("--base-url", help="a given target (with --grpc-uri); default: start the embedded one")
    ap.add_argument("--grpc-uri")
    ap.add_argument("--token", default="root:Milvus")
    ap.add_argument("--profile", default="embedded")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="faults run side by side")
    ap.add_argument("--fill-server", action="store_true", help="a given target may be filled to its user cap")
    ap.add_argument("faults", nargs="*", help="fault names (default: all)")
    args = ap.parse_args(argv)
    grpc_uri = args.grpc_uri if not args.grpc_uri or "://" in args.grpc_uri else f"http://{args.grpc_uri}"
    ep = Endpoints(args.base_url, grpc_uri, args.token) if args.base_url and grpc_uri else None
    report = run(args.faults or None, args.reports_dir, ep, args.profile, jobs=args.jobs,
                 fill=True if args.fill_server else None)
    print(f"kill rate {report['killed']}/{report['counted']} in {report['total_seconds']} s; "
          f"see {args.reports_dir}/killrate.md")
    return 0 if report["clean_run"]["exit_status"] == 0 else 3


if __name__ == "__main__":
    raise SystemExit(main())
