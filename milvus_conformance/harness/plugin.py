"""The pytest plugin: options, the run's target (started once, by the process that owns the run),
preflight, the results collector, reports and the exit status.

Under pytest-xdist the controller starts the embedded target and hands its endpoints to the workers
through `workerinput`; workers never start anything.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys
from urllib.parse import urlsplit

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.errors import ConfigError, ExitStatus, HarnessError, MissingToken
from milvus_conformance.harness import background_stop, cleanup
from milvus_conformance.harness import config as cfg
from milvus_conformance.harness.collector import Collector
from milvus_conformance.harness.keys import COLLECTOR, CONTEXT, RUN_RESULT
from milvus_conformance.harness.ledger import Journal, new_run_id
from milvus_conformance.harness.profile_report import profile_fields
from milvus_conformance.harness.recorder import TARGET_GONE, pytest_runtest_makereport  # noqa: F401  (the hook is registered by import)
from milvus_conformance.harness.run_context import RunContext, admin_ops
from milvus_conformance.reports.profile_lines import choice_lines, profile_lines
from milvus_conformance.results.model import Status, Target

pytest_plugins = ["milvus_conformance.harness.fixtures", "milvus_conformance.harness.fuzz_fixtures",
                  "milvus_conformance.harness.jobs_plugin"]
WORKER_KEY = "milvus_conformance"
STOPPING = pytest.StashKey[object]()     # the embedded target's stop, in a thread (background_stop.py)
MARKERS = (
    "requirement(*ids): the requirement IDs (specs/requirements.yaml) a case checks",
    "surface(name): rest, sdk or both",
    "operation(name): the operation a case exercises, e.g. users/create",
    "fills_server: fills the target to its user cap (opt-in on a given target: --fill-server)",
    "nightly: only in the nightly tier (--tier nightly)",
)


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "Milvus Create User conformance")
    for name, (var, _default, help_text) in cfg.OPTIONS.items():
        group.addoption(f"--{name.replace('_', '-')}", dest=f"conformance_{name}", default=None,
                        help=f"{help_text} [env {var}]")
    for name, (var, help_text) in cfg.FLAGS.items():
        group.addoption(f"--{name.replace('_', '-')}", dest=f"conformance_{name}",
                        action="store_true", default=False, help=f"{help_text} [env {var}]")


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _runs_suite(config) -> bool:
    """The plugin acts only when the run collects the suite (tests/), not on selftests/ alone."""
    tests_dir = REPO_ROOT / "tests"
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path == tests_dir or tests_dir in path.parents or path in tests_dir.parents:
            return True
    return False


def pytest_configure(config):
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    if _is_worker(config):
        _die_with_parent()
        if WORKER_KEY in config.workerinput:
            config.stash[CONTEXT] = RunContext.from_dict(json.loads(config.workerinput[WORKER_KEY]))
        return
    if not _runs_suite(config):
        return
    config.pluginmanager.register(QuietExit(config), "conformance-quiet-exit")
    values = {name: config.getoption(f"conformance_{name}") for name in (*cfg.OPTIONS, *cfg.FLAGS)}
    try:
        target = cfg.from_values(values)
    except ConfigError as exc:
        _unreachable_first(values, exc)
        raise pytest.UsageError(str(exc)) from None
    run_id = new_run_id()
    config.stash[CONTEXT] = RunContext(config=target, run_id=run_id)
    config.stash[COLLECTOR] = Collector(run_id, Target(
        base_url="", grpc_uri="", profile=target.profile, embedded=target.embedded))
    config.pluginmanager.register(config.stash[COLLECTOR], "conformance-collector")
    signal.signal(signal.SIGTERM, _interrupt)


def _unreachable_first(values: dict, exc: ConfigError) -> None:
    """A missing token is a configuration error, but an unreachable target is the more fundamental
    news: say that instead (a TCP connect only; no request is sent)."""
    url = values.get("base_url") or os.environ.get("CONFORMANCE_BASE_URL")
    if not url or not isinstance(exc, MissingToken):
        return
    try:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=5):
            return
    except (OSError, ValueError) as err:
        pytest.exit(f"conformance: target unreachable: {url} ({err})", ExitStatus.INFRASTRUCTURE)


def _die_with_parent() -> None:
    """An xdist worker ends when its controller is killed (even by SIGKILL), instead of going on
    creating users after the next run has swept (Linux; elsewhere the journal's pids cover it)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class QuietExit:
    """Our own `pytest.exit("conformance: ...")` is printed by pytest as one line ("Exit: ..."): keep
    the terminal reporter from repeating it as a "!" banner (pytest 9.2 keeps it in a memo)."""

    def __init__(self, config):
        self.config = config

    @pytest.hookimpl(trylast=True)
    def pytest_keyboard_interrupt(self, excinfo):
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and str(getattr(excinfo.value, "msg", "")).startswith("conformance: "):
            reporter._keyboardinterrupt_memo = None


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure_node(node):
    """xdist: hand the running target to each worker."""
    if CONTEXT in node.config.stash:
        node.workerinput[WORKER_KEY] = json.dumps(node.config.stash[CONTEXT].to_dict())


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    config = session.config
    if _is_worker(config) or config.option.collectonly or CONTEXT not in config.stash:
        return
    ctx = config.stash[CONTEXT]
    try:
        ctx.start(report=lambda line: _say(config, line))
        ctx.preflight()
        choice = ctx.choose_profile()
        for line in choice_lines(choice.reason, choice.warnings):
            _say(config, line)
        config.stash[COLLECTOR].harness_warnings += cleanup.start_of_run(
            ctx, admin_ops(ctx), cleanup.run_processes(config), lambda line: _say(config, line))
        Journal(ctx.config.state_dir, ctx.run_id).open_run(ctx.fingerprint, ctx.config.embedded)
    except HarnessError as exc:
        config.stash[COLLECTOR].harness_errors.append(str(exc))
        pytest.exit(f"conformance: {exc}", exc.exit_status)
    collector = config.stash[COLLECTOR]
    collector.target = Target(base_url=ctx.base_url or "", grpc_uri=ctx.grpc_uri or "",
                              embedded=ctx.config.embedded, tls=ctx.tls_record(), **profile_fields(ctx))


def pytest_collection_modifyitems(session, config, items):
    from milvus_conformance.contract.requirements import load_requirements

    known = load_requirements()
    tier = config.stash[CONTEXT].config.tier if CONTEXT in config.stash else "gate"
    for item in items:
        if not item.nodeid.startswith("tests/") or CONTEXT not in config.stash:
            continue
        ids = [r for m in item.iter_markers("requirement") for r in m.args]
        unknown = [r for r in ids if r not in known]
        if not ids or unknown:
            raise pytest.UsageError(
                f"{item.nodeid}: every case must cite known requirement IDs (unknown: {unknown})")
        if item.get_closest_marker("nightly") and tier != "nightly":
            item.add_marker(pytest.mark.skip(reason="nightly tier only (--tier nightly)"))


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if _is_worker(config) or CONTEXT not in config.stash or config.option.collectonly:
        return
    ctx, collector = config.stash[CONTEXT], config.stash[COLLECTOR]
    try:
        if ctx.started:
            collector.harness_warnings += cleanup.end_of_run(ctx, admin_ops(ctx))
    except HarnessError as exc:
        collector.harness_errors.append(f"clean-up: {exc}")
    finally:
        config.stash[STOPPING] = background_stop.begin(ctx)   # joined at unconfigure
    run = collector.run_result()
    from milvus_conformance.reports import write_all

    write_all(run, ctx.config.reports_dir)
    config.stash[RUN_RESULT] = run
    if TARGET_GONE in session.stash:
        exitstatus = pytest.ExitCode.TESTS_FAILED   # not a user's interrupt: the target went away
    session.exitstatus = _exit_status(run, exitstatus)



def pytest_unconfigure(config):
    background_stop.finish(config.stash.get(STOPPING, None))


def _exit_status(run, pytest_status) -> int:
    if pytest_status == pytest.ExitCode.INTERRUPTED:
        return ExitStatus.INTERRUPTED
    if pytest_status == pytest.ExitCode.USAGE_ERROR:
        return ExitStatus.CONFIGURATION
    if run.harness_errors or any(c.status is Status.ERROR for c in run.cases):
        return ExitStatus.INFRASTRUCTURE
    if any(c.status.is_conformance_problem for c in run.cases):
        return ExitStatus.NONCONFORMANT
    if pytest_status == pytest.ExitCode.NO_TESTS_COLLECTED:
        return int(pytest_status)
    return ExitStatus.CONFORMS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    run = config.stash.get(RUN_RESULT, None)
    if run is None:
        return
    counts = {k: v for k, v in run.counts().items() if v}
    from milvus_conformance.reports.wording import WORDING

    verdict = WORDING[run.overall()].verdict
    tr = terminalreporter
    tr.write_sep("=", "conformance summary")
    tr.write_line(f"target: {run.target.base_url or '-'} (REST), {run.target.grpc_uri or '-'} (gRPC); "
                  f"profile {run.target.profile}; server {run.target.server_version or 'unknown'}")
    for line in profile_lines(run.target):
        tr.write_line(line)
    if run.target.tls_note:
        tr.write_line(f"tls: {run.target.tls_note}")
    tr.write_line("cases: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    for case in run.cases:   # schemathesis cases say how many requests they generated
        if case.generation is not None and case.status is not Status.SKIP:
            tr.write_line(f"generated: {case.generation.summary()}")
    from milvus_conformance.reports.parity import parity_rows

    rows = parity_rows(run)
    if rows:
        split = sum(1 for r in rows if r.disagreement)
        tr.write_line(f"REST/SDK parity: {len(rows)} scenarios on both surfaces, {split} disagree "
                      f"(parity.md)")
    for error in run.harness_errors:
        tr.write_line(f"harness error: {error}")
    for warning in run.harness_warnings:
        tr.write_line(f"warning: {warning}")
    tr.write_line(f"verdict: {verdict}; reports in {config.stash[CONTEXT].config.reports_dir}/")


def _say(config, line: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    else:
        print(line, file=sys.stderr)
