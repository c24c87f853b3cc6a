"""The suite's power: run the gate tier through each fault of the catalogue. A fault is KILLED when
a case that cites the fault's requirement ends fail or unexpected_pass (and passes without the fault).

One target serves every fault (the embedded server + gateway started here, or given endpoints).
First the clean runs: the whole gate tier through the REST proxy without a fault (must conform; its
case durations are kept), and the gRPC faults' cases through the gRPC proxy without a fault. Then per
fault, in a subprocess behind its proxy (or with pymilvus patched, for a client fault), only the
cases that can kill it: those citing its requirement, fast ones first, slow (generated) ones only if
the fast ones did not kill it (the slow ones not run are counted, so a fault killed by one fast case
is shown with them). Two faults run side by side, each serially.

`forks` (default where os.fork exists): each suite run is forked from one warm process that has
imported pytest's plugins, schemathesis and pymilvus once (faults/fork_server.py), instead of a
fresh interpreter per run; same arguments, environment, log and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from milvus_conformance import REPO_ROOT
from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.contract.requirements import load_requirements
from milvus_conformance.faults.catalogue import AWAITING_CASE, WITHOUT_FAULT, all_faults, by_name
from milvus_conformance.faults.client_plugin import CLIENT_FAULT_ENV
from milvus_conformance.faults.fork_server import Forks, ForkServer, run_forked
from milvus_conformance.faults.grpc_proxy import start_grpc_fault_proxy
from milvus_conformance.faults.killrate_plugin import DUMP_ENV, SELECT_ENV
from milvus_conformance.faults.proxy import start_fault_proxy
from milvus_conformance.results.killrate import (
    ERROR,
    KILLED,
    NO_CASE,
    NOT_APPLICABLE,
    SURVIVED,
    CleanRun,
    FaultOutcome,
    KillRateResult,
)

PLUGINS = ("milvus_conformance.faults.killrate_plugin", "milvus_conformance.faults.client_plugin")
SLOW_S = 1.0  # a case slower than this in the clean run runs only if the fast ones did not kill


@dataclass
class Endpoints:
    base_url: str
    grpc_uri: str
    token: str


def _env(extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_") and k != "PYTEST_ADDOPTS"}
    return {**env, **extra}


def _pytest(ep: Endpoints, profile: str, work: Path, *args: str) -> list[str]:
    # --assert=plain: no assertion rewriting at start-up (seconds per run without a bytecode cache)
    plugins = [arg for p in PLUGINS for arg in ("-p", p)]
    return [
        sys.executable,
        "-m",
        "pytest",
        *args,
        "-q",
        "--assert=plain",
        "-p",
        "no:cacheprovider",
        *plugins,
        "--base-url",
        ep.base_url,
        "--grpc-uri",
        ep.grpc_uri,
        "--token",
        ep.token,
        "--profile",
        profile,
        "--reports-dir",
        str(work / "reports"),
        "--state-dir",
        str(work / "state"),
    ]


def run_suite(
    ep: Endpoints,
    work: Path,
    profile: str,
    workers: int = 1,
    nodes: list[str] | None = None,
    fill: bool = False,
    extra_args: tuple[str, ...] = (),
    env: dict | None = None,
    forks: ForkServer | None = None,
) -> tuple[int, dict | None, float]:
    """One suite run in a subprocess (forked from `forks` when given): the whole gate tier, or only
    `nodes` (node IDs). Returns (exit status, results.json as a dict or None, seconds)."""
    work.mkdir(parents=True, exist_ok=True)
    files = sorted({n.split("::")[0] for n in nodes}) if nodes is not None else ["tests"]
    cmd = (
        _pytest(ep, profile, work, *files)
        + (["-n", str(workers)] if workers > 1 else [])
        + (["--fill-server"] if fill else [])
        + list(extra_args)
    )
    env = dict(env or {})
    if nodes is not None:
        (work / "select.json").write_text(json.dumps(sorted(nodes)))
        env[SELECT_ENV] = str(work / "select.json")
    started = time.monotonic()
    status = run_forked(forks, cmd, _env(env), REPO_ROOT, work / "pytest.log")
    if status is None:
        with open(work / "pytest.log", "wb") as log:
            status = subprocess.run(
                cmd,
                cwd=REPO_ROOT,
                env=_env(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=1800,
            ).returncode
    results = work / "reports" / "results.json"
    return status, (json.loads(results.read_text()) if results.exists() else None), time.monotonic() - started


def collect(ep: Endpoints, profile: str, work: Path) -> dict[str, list[str]]:
    """{nodeid: requirement IDs} of every case of the suite (no request is sent)."""
    dump = work / "collected.json"
    out = subprocess.run(
        _pytest(ep, profile, work, "tests", "--collect-only"),
        cwd=REPO_ROOT,
        env=_env({DUMP_ENV: str(dump)}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if not dump.exists():
        raise RuntimeError(f"collecting the suite failed (exit {out.returncode}):\n{out.stdout[-2000:]}")
    return json.loads(dump.read_text())


def judge_fault(fault, results: dict | None, status: int, noise: set[str] = frozenset()):
    """(status, killers, failing requirements, note, evidence). `noise`: cases that do not pass
    without a fault behind the same proxy; they kill nothing."""
    if results is None:
        return ERROR, [], [], f"no results.json (exit {status})", ""
    bad = [
        c
        for c in results["cases"]
        if c["status"] in ("fail", "unexpected_pass", "not_implemented") and c["case_id"] not in noise
    ]
    killers = sorted(c["case_id"] for c in bad if fault.requirement in c["requirements"])
    failed_reqs = sorted({r for c in bad for r in c["requirements"]})
    errors = [c["case_id"] for c in results["cases"] if c["status"] == "error"]
    note = "; ".join(results.get("harness_errors", []) + [f"error: {e}" for e in errors[:3]])
    if killers:
        first = next(c for c in bad if c["case_id"] == killers[0])
        return KILLED, killers, failed_reqs, note, (first["message"].splitlines() or [""])[0][:200]
    return (ERROR if status not in (0, 1) else SURVIVED), [], failed_reqs, note, ""


def cleanup(names: set[str], ep: Endpoints) -> None:
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


class _NoProxy:
    """A client fault's stand-in for a proxy: the suite talks to the target directly."""

    created: set[str] = frozenset()
    requests = None

    def stop(self) -> None:
        pass


def proxied(ep: Endpoints, layer: str, fault, profile: str):
    """(proxy handle, endpoints through it, environment): HTTP faults behind the REST proxy, gRPC
    ones behind the gRPC proxy, client faults with no proxy and the fault's name for client_plugin."""
    if layer == "http":
        proxy = start_fault_proxy(ep.base_url, fault.name if fault else None, ep.token, profile)
        return proxy, Endpoints(proxy.base_url, ep.grpc_uri, ep.token), {}
    if layer == "grpc":
        proxy = start_grpc_fault_proxy(ep.grpc_uri, fault, ep.token, profile)
        return proxy, Endpoints(ep.base_url, proxy.uri, ep.token), {}
    return _NoProxy(), ep, ({CLIENT_FAULT_ENV: fault.name} if fault else {})


def _not_passing(results: dict | None) -> set[str]:
    fine = ("pass", "known_deviation", "skip", "skipped_by_choice", "not_applicable")
    return {c["case_id"] for c in (results or {}).get("cases", []) if c["status"] not in fine}


class KillRate:
    """One target, many faults: `prepare()` once, then `run_fault(fault)` or `run_all(faults)`.
    `fill`: the target is ours alone, so the user-cap case may fill it (--fill-server)."""

    def __init__(
        self,
        endpoints: Endpoints,
        profile: str = "embedded",
        work: Path | None = None,
        fill: bool = False,
        forks: bool | None = None,
    ):
        self.ep, self.profile, self.fill = endpoints, profile, fill
        self.forks = hasattr(os, "fork") if forks is None else forks  # faults/fork_server.py
        self.work = work or Path(tempfile.mkdtemp(prefix="killrate-"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.cites: dict[str, list[str]] = {}
        self.clean: CleanRun | None = None
        self.sdk_clean: CleanRun | None = None
        self.noise: dict[str, set[str]] = {"http": set(), "grpc": set(), "client": set()}
        self.cost: dict[str, float] = {}  # case -> seconds in the clean run
        self._forks = Forks(self.forks, _env({}), self.work / "fork-server.log")

    def close(self) -> None:
        """Ends the fork server, if one was started."""
        self._forks.close()

    def _clean(self, layer: str, name: str, nodes=None, workers: int = 1) -> tuple[CleanRun, dict | None]:
        proxy, target, env = proxied(self.ep, layer, None, self.profile)
        try:
            status, results, seconds = run_suite(
                target, self.work / name, self.profile, workers, nodes, self.fill, env=env, forks=self._forks.get()
            )
        finally:
            proxy.stop()
        return CleanRun(
            status,
            round(seconds, 1),
            (results or {}).get("counts", {}),
            sorted(_not_passing(results)),
            str(self.work / name / "pytest.log"),
            getattr(proxy, "requests", None),
        ), results

    def prepare(self, grpc_requirements: set[str] = frozenset()) -> CleanRun:
        """The whole gate tier through the REST proxy, no fault (-n 2): it must conform. Then the gRPC
        faults' cases through the gRPC proxy, no fault: what fails there (e.g. a deadline race that
        the extra hop decides differently) kills nothing."""
        self.cites = collect(self.ep, self.profile, self.work)
        self.clean, results = self._clean("http", "clean", workers=2)
        self.noise["http"] = self.noise["client"] = set(self.clean.not_passing)
        self.cost = {c["case_id"]: c["duration_s"] for c in (results or {}).get("cases", [])}
        if grpc_requirements:
            nodes = [n for n, reqs in self.cites.items() if grpc_requirements & set(reqs)]
            self.sdk_clean, _ = self._clean("grpc", "clean-sdk", nodes)
            self.noise["grpc"] = set(self.sdk_clean.not_passing) | self.noise["http"]
        return self.clean

    def phases(self, fault) -> list[list[str]]:
        """The cases that can kill `fault` (citing its requirement, passing without a fault): the
        fast ones, then the slow ones."""
        nodes = [n for n, reqs in self.cites.items() if fault.requirement in reqs and n not in self.noise[fault.layer]]
        fast = [n for n in nodes if self.cost.get(n, 0.0) < SLOW_S]
        return [p for p in (fast, [n for n in nodes if n not in fast]) if p]

    def _outcome(self, fault, status: str, note: str = "") -> FaultOutcome:
        return FaultOutcome(
            fault.name,
            fault.requirement,
            fault.surface,
            fault.layer,
            fault.description,
            status,
            also_violates=list(fault.also_violates),
            note=note,
            awaiting_case=AWAITING_CASE.get(fault.name, ""),
        )

    def run_fault(self, fault) -> FaultOutcome:
        if not fault.applies_to(load_profile(self.profile)):
            return self._outcome(fault, NOT_APPLICABLE, f"does not apply to profile {self.profile}")
        if fault.needs_fill and not self.fill:
            return self._outcome(fault, NOT_APPLICABLE, "needs the user-cap case: a target of our own (--fill-server)")
        r, killers, failing = self._outcome(fault, NO_CASE), set(), set()
        phases = self.phases(fault)
        for index, phase in enumerate(phases):
            proxy, target, env = proxied(self.ep, fault.layer, fault, self.profile)
            try:
                r.exit_status, results, seconds = run_suite(
                    target,
                    self.work / f"{fault.name}-{r.selected}",
                    self.profile,
                    1,
                    phase,
                    self.fill,
                    fault.suite_args,
                    env,
                    self._forks.get(),
                )
            finally:
                proxy.stop()
                cleanup(set(proxy.created), self.ep)
            r.selected, r.seconds = r.selected + len(phase), round(r.seconds + seconds, 1)
            status, found, failed, note, evidence = judge_fault(fault, results, r.exit_status, self.noise[fault.layer])
            killers.update(found)
            failing.update(failed)
            r.note, r.evidence = note or r.note, r.evidence or evidence
            r.status = KILLED if killers else status
            if r.status in (KILLED, ERROR):
                r.not_run = sum(len(p) for p in phases[index + 1 :])
                break
        r.killed_by, r.failed_requirements = sorted(killers), sorted(failing)
        if not r.selected:
            r.note = f"no case cites {fault.requirement} (or none of them passes without a fault)"
        return r

    def run_all(self, faults, jobs: int = 2, log=None) -> list[FaultOutcome]:
        """Faults side by side (`jobs` at once); those that fill the server to its cap alone, last."""

        def one(fault):
            r = self.run_fault(fault)
            if log:
                log(
                    f"{r.status:>14}  {fault.name}  ({len(r.killed_by)} killers, {r.selected} cases, {r.seconds:.1f} s)"
                )
            return r

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            done = dict(pool.map(lambda f: (f.name, one(f)), [f for f in faults if not f.needs_fill]))
        done.update((f.name, one(f)) for f in faults if f.needs_fill)
        return [done[f.name] for f in faults]

    def result(self, outcomes: list[FaultOutcome], seconds: float) -> KillRateResult:
        """The run as a results object (every report is a view of it)."""
        return KillRateResult(
            self.profile,
            len(self.cites),
            self.clean,
            outcomes,
            round(seconds, 1),
            self.sdk_clean,
            {i: r.level for i, r in load_requirements().items()},
            dict(WITHOUT_FAULT),
        )


def grpc_requirements(faults) -> set[str]:
    return {f.requirement for f in faults if f.layer == "grpc"}


def run(
    fault_names: list[str] | None,
    endpoints: Endpoints | None = None,
    profile: str = "embedded",
    state_dir: str | Path | None = None,
    log=print,
    jobs: int = 2,
    fill: bool | None = None,
) -> KillRateResult:
    """The clean runs and every named fault (all when None). Without `endpoints` it starts the
    embedded target (server + gateway), which it may then fill."""
    faults = all_faults() if not fault_names else [by_name(n) for n in fault_names]
    started, target, kr = time.monotonic(), None, None
    if endpoints is None:
        from milvus_conformance.target.embedded.target import EmbeddedTarget

        target = EmbeddedTarget(Path(state_dir or tempfile.mkdtemp(prefix="killrate-state-")))
        e = target.start()
        endpoints = Endpoints(e.base_url, e.grpc_uri, e.token)
    try:
        kr = KillRate(endpoints, profile, fill=(target is not None) if fill is None else fill)
        clean = kr.prepare(grpc_requirements(faults))
        log(f"clean run: exit {clean.exit_status} in {clean.seconds} s ({clean.counts})")
        outcomes = kr.run_all(faults, jobs, log)
    finally:
        if kr is not None:
            kr.close()
        if target is not None:
            target.stop()
    return kr.result(outcomes, time.monotonic() - started)
