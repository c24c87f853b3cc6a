"""The pytest plugin: options, the run's target (started once, by the process that owns the run),
preflight, the results collector, reports and the exit status.

Under pytest-xdist the controller starts the embedded target and hands its endpoints to the workers
through `workerinput`; workers never start anything.
"""

from __future__ import annotations

import json
import signal
import socket
import sys
from urllib.parse import urlsplit

import pytest

from milvus_conformance.errors import ConfigError, ExitStatus, HarnessError, MissingToken
from milvus_conformance.harness import background_stop, capability_check, cleanup, options, pregeneration
from milvus_conformance.harness import config as cfg
from milvus_conformance.harness.collector import Collector
from milvus_conformance.harness.early import restore_defaults as restore_signals
from milvus_conformance.harness.finish import (
    cleanup_problem,
    interrupted_at_start,
    interrupted_verdict,
    interruption_of,
    patient_admin,
    saw_keyboard_interrupt,
    say_interrupted,
)
from milvus_conformance.harness.interrupt import INTERRUPTS, install as install_interrupts
from milvus_conformance.harness.keys import COLLECTOR, CONTEXT, RUN_RESULT
from milvus_conformance.harness.journal_resolution import close_current, close_never_created
from milvus_conformance.harness.ledger import Journal, new_run_id
from milvus_conformance.harness.prestart import PRESTART
from milvus_conformance.harness.skip_kinds import SKIP_STATUS
from milvus_conformance.harness.profile_report import profile_fields
from milvus_conformance.harness.recorder import TARGET_GONE, pytest_runtest_makereport  # noqa: F401  (the hook is registered by import)
from milvus_conformance.harness.run_context import RunContext
from milvus_conformance.harness.stop import is_ours, stop
from milvus_conformance.reports.profile_lines import choice_lines, summary_target_lines
from milvus_conformance.results.model import Status, Target
from milvus_conformance.settings import given

pytest_plugins = [
    "milvus_conformance.harness.fixtures",
    "milvus_conformance.harness.fuzz_fixtures",
    "milvus_conformance.certify.plugin",  # --certify (certify/)
    "milvus_conformance.harness.settle_plugin",
    "milvus_conformance.harness.capability_cases",
    "milvus_conformance.harness.jobs_plugin",
    "milvus_conformance.harness.heap",
]
WORKER_KEY = "milvus_conformance"
STOPPING = pytest.StashKey[object]()  # the embedded target's stop, in a thread (background_stop.py)
MARKERS = (
    "requirement(*ids): the requirement IDs (specs/requirements.yaml) a case checks",
    "surface(name): rest, sdk or both",
    "operation(name): the operation a case exercises, e.g. users/create",
    "fills_server: fills the target to its user cap (opt-in on a given target: --fill-server)",
    "nightly: only in the nightly tier (--tier nightly)",
)


def pytest_addoption(parser):
    options.add_options(parser)


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _runs_suite(config) -> bool:
    """The plugin acts only when the run collects the suite (tests/), not on selftests/ alone."""
    return options.collects_suite(config.args, config.invocation_params.dir)


def pytest_configure(config):
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    if _is_worker(config):
        _die_with_parent()
        install_interrupts(config)
        if WORKER_KEY in config.workerinput:
            config.stash[CONTEXT] = RunContext.from_dict(json.loads(config.workerinput[WORKER_KEY]))
        return
    if not _runs_suite(config):
        restore_signals()  # harness/early.py's handler is for the suite's runs only
        return
    config.pluginmanager.register(QuietExit(config), "conformance-quiet-exit")
    values = options.given_values(config.getoption)
    try:
        target = cfg.from_values(values)
    except ConfigError as exc:
        _unreachable_first(values, exc)
        stop(exc, ExitStatus.CONFIGURATION)  # one `conformance: ...` line, exit 4
    run_id = new_run_id()
    config.stash[CONTEXT] = RunContext(config=target, run_id=run_id)
    config.stash[COLLECTOR] = Collector(
        run_id, Target(base_url="", grpc_uri="", profile=target.profile, embedded=target.embedded)
    )
    config.pluginmanager.register(config.stash[COLLECTOR], "conformance-collector")
    install_interrupts(config)


def _unreachable_first(values: dict, exc: ConfigError) -> None:
    """A missing token is a configuration error, but an unreachable target is the more fundamental
    news: say that instead (a TCP connect only; no request is sent)."""
    url = given(values.get("base_url"), cfg.OPTIONS["base_url"][0])
    if not url or not isinstance(exc, MissingToken):
        return
    try:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=5):
            return
    except (OSError, ValueError) as err:
        stop(f"target unreachable: {url} ({err})", ExitStatus.INFRASTRUCTURE)


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
        saw_keyboard_interrupt(self.config, excinfo.value)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and is_ours(excinfo.value):
            reporter._keyboardinterrupt_memo = None


def pytest_configure_node(node):
    """xdist: hand the running target to each worker."""
    if CONTEXT in node.config.stash:
        node.workerinput[WORKER_KEY] = json.dumps(node.config.stash[CONTEXT].to_dict())


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    config = session.config
    if INTERRUPTS in config.stash:
        config.stash[INTERRUPTS].cases_begin(session)
    if _is_worker(config) or config.option.collectonly or CONTEXT not in config.stash:
        return
    ctx = config.stash[CONTEXT]
    config.stash[INTERRUPTS].phase = "start"
    try:
        pregeneration.while_target_starts(config, ctx, config.stash.get(PRESTART, None))
        ctx.start(report=lambda line: _say(config, line), early=config.stash.get(PRESTART, None))
        for line in capability_check.preflight(ctx, capability_check.check(ctx)):
            _say(config, line)  # missing operations: the verdict's one line, up front
        choice = ctx.choose_profile()
        for line in choice_lines(choice.reason, choice.warnings):
            _say(config, line)
        if capability_check.admin_blocked(ctx):  # no list, no drop: nothing to sweep
            close_never_created(ctx.config.state_dir, ctx.fingerprint, ctx.capabilities)
        else:
            config.stash[COLLECTOR].harness_warnings += cleanup.start_of_run(
                ctx, patient_admin(ctx), cleanup.run_processes(config), lambda line: _say(config, line)
            )
        Journal(ctx.config.state_dir, ctx.run_id).open_run(ctx.fingerprint, ctx.config.embedded)
    except HarnessError as exc:
        config.stash[COLLECTOR].harness_errors.append(str(exc))
        stop(exc, exc.exit_status)
    except KeyboardInterrupt:
        stop(interrupted_at_start(session, ctx), ExitStatus.INTERRUPTED)
    config.stash[INTERRUPTS].phase = "cases"
    collector = config.stash[COLLECTOR]
    collector.target = Target(
        base_url=ctx.base_url or "",
        grpc_uri=ctx.grpc_uri or "",
        embedded=ctx.config.embedded,
        tls=ctx.tls_record(),
        **profile_fields(ctx),
    )


def pytest_collection_finish(session):
    pregeneration.after_collection(session)  # the generated cases, unless built while the target started


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
            raise pytest.UsageError(f"{item.nodeid}: every case must cite known requirement IDs (unknown: {unknown})")
        if item.get_closest_marker("nightly") and tier != "nightly":
            item.add_marker(pytest.mark.skip(reason="nightly tier only (--tier nightly)"))
            item.stash[SKIP_STATUS] = Status.SKIPPED_BY_CHOICE


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """After every other plugin's (the fixtures' teardown drops the users of an interrupted run,
    xdist ends its workers): the final sweep, the reports and the exit status. A signal from here on
    is recorded, not raised (harness/interrupt.py)."""
    config = session.config
    if INTERRUPTS in config.stash:
        config.stash[INTERRUPTS].finish()
    ours = not (_is_worker(config) or CONTEXT not in config.stash or config.option.collectonly)
    try:
        yield
    except Exception as exc:  # a teardown's drop failed: the sweep below tries again
        if not ours:
            raise
        config.stash[COLLECTOR].harness_warnings.append(f"clean-up: teardown: {exc}"[:500])
    if ours:
        _finish_run(session, exitstatus)


def _finish_run(session, exitstatus):
    """The final sweep, the results model, every report and the exit status."""
    config = session.config
    ctx, collector = config.stash[CONTEXT], config.stash[COLLECTOR]
    try:
        if ctx.started and capability_check.admin_blocked(ctx):
            close_current(ctx.config.state_dir, ctx.run_id)  # no case could create anything
        elif ctx.started:
            collector.harness_warnings += cleanup.end_of_run(ctx, patient_admin(ctx))
    except Exception as exc:  # noqa: BLE001 - after every verdict: a warning beside it (finish.py)
        cleanup_problem(collector, exc)
    finally:
        config.stash[STOPPING] = background_stop.begin(ctx)  # joined at unconfigure
    run = collector.run_result()
    run.missing_operations = ctx.capabilities
    run.interruption = interruption_of(session, len(run.cases))
    from milvus_conformance.harness.settle_plugin import settle_record
    from milvus_conformance.reports import write_all

    run.settle = settle_record(config, ctx)  # observed credential settle times (results/settle.py)
    write_all(run, ctx.config.reports_dir)
    config.stash[RUN_RESULT] = run
    if TARGET_GONE in session.stash or (exitstatus == pytest.ExitCode.INTERRUPTED and not run.interruption):
        exitstatus = pytest.ExitCode.TESTS_FAILED  # not a user's interrupt: the target went away
    session.exitstatus = ExitStatus.INTERRUPTED if run.interruption else _exit_status(run, exitstatus)


def pytest_unconfigure(config):
    background_stop.finish(config.stash.get(STOPPING, None))
    prestart = config.stash.get(PRESTART, None)
    if prestart is not None and not prestart.taken:  # started early for a session that never began
        prestart.abort()


def _exit_status(run, pytest_status) -> int:
    if pytest_status == pytest.ExitCode.INTERRUPTED:
        return ExitStatus.INTERRUPTED
    if pytest_status == pytest.ExitCode.USAGE_ERROR:
        return ExitStatus.CONFIGURATION
    if pytest_status == pytest.ExitCode.INTERNAL_ERROR:
        return ExitStatus.INFRASTRUCTURE  # never a verdict
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
    from milvus_conformance.results.missing import missing_lines
    from milvus_conformance.reports.wording import WORDING

    verdict = WORDING[run.overall()].verdict
    tr = terminalreporter
    tr.write_sep("=", "conformance summary")
    for line in summary_target_lines(run.target):  # the profile once, with how it was chosen
        tr.write_line(line)
    if run.target.tls_note:
        tr.write_line(f"tls: {run.target.tls_note}")
    tr.write_line("cases: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    for case in run.cases:  # schemathesis cases say how many requests they generated
        if case.generation is not None and case.status is not Status.SKIP:
            tr.write_line(f"generated: {case.generation.summary()}")
    from milvus_conformance.reports.parity import parity_line, parity_rows

    if parity_rows(run):
        tr.write_line(f"REST/SDK parity: {parity_line(run)} (parity.md)")
    from milvus_conformance.results.settle import SettleSummary

    for line in SettleSummary.from_dict(run.settle).lines():
        tr.write_line(line)
    for error in run.harness_errors:
        tr.write_line(f"harness error: {error}")
    for warning in run.harness_warnings:
        tr.write_line(f"warning: {warning}")
    for line in missing_lines(run.missing_operations):
        tr.write_line(f"not implemented: {line}")
    if run.interruption:
        verdict = interrupted_verdict(run)
    tr.write_line(f"verdict: {verdict}; reports in {config.stash[CONTEXT].config.reports_dir}/")
    if run.interruption:
        say_interrupted(tr, run, config.stash[CONTEXT].config.reports_dir)


def _say(config, line: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    else:
        print(line, file=sys.stderr)
