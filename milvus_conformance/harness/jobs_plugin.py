"""`--jobs N|auto` for the suite: N cases in flight, in threads of this one process (the run-ahead
engine, harness/run_ahead.py); `auto` measures the target's round trip and picks N from it (serial
against a local target; harness/jobs.py). `-n N` stays pytest-xdist's (`-n auto` picks workers the
same way). Registered by the plugin (`pytest_plugins`)."""

from __future__ import annotations

import pytest

from milvus_conformance.clients.warning_tap import WarningTap
from milvus_conformance.errors import ExitStatus
from milvus_conformance.harness import jobs
from milvus_conformance.harness.keys import CONTEXT, ENGINE
from milvus_conformance.harness.recorder import RECORDER
from milvus_conformance.harness.run_ahead import Engine, SessionObjects, eligible
from milvus_conformance.harness.stop import stop
from milvus_conformance.settings import environment

OPTION = ("--jobs", "CONFORMANCE_JOBS")  # README's option table lists it with the others
MARKERS = (
    "serial: never runs side by side with another case under --jobs (harness/run_ahead.py)",
    "main_thread: drives Hypothesis's engine; runs in the main thread while later cases run ahead",
)

CHOICE = pytest.StashKey[str]()


def pytest_addoption(parser):
    parser.getgroup("conformance").addoption(
        OPTION[0],
        dest="conformance_jobs",
        default=environment(OPTION[1]),
        help="up to N independent cases in flight at once, in threads of this process; auto: from the "
        "target's measured round trip (serial against a local target) [env CONFORMANCE_JOBS]",
    )


def pytest_configure(config):
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    value = config.getoption("conformance_jobs", None)
    if value and value != "auto" and not value.isdigit():
        stop(f"--jobs: expected a number or auto, got {value!r}", ExitStatus.CONFIGURATION)


def _option(config, name: str) -> str | None:
    return config.getoption(f"conformance_{name}", None) or environment(f"CONFORMANCE_{name.upper()}")


def _max_users(config) -> int:
    try:
        return int(_option(config, "max_users") or 20)
    except ValueError:
        return 20  # the run itself refuses it with one line


def _measured(max_users: int, base_url, grpc_uri, pick) -> tuple[int, str]:
    rtt = jobs.measure_rtt(base_url, grpc_uri)
    shown = "not measured" if rtt is None else f"{rtt * 1000:.1f} ms"
    return pick(rtt, max_users), f"round trip {shown}; --max-users {max_users}"


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto` for a run of the suite: xdist workers from the target's round trip."""
    base_url, grpc_uri = _option(config, "base_url"), _option(config, "grpc_uri")
    if not (base_url or grpc_uri):
        config.stash[CHOICE] = "-n auto: serial (the embedded target is local)"
        return 0
    workers, why = _measured(_max_users(config), base_url, grpc_uri, jobs.recommend_workers)
    config.stash[CHOICE] = f"-n auto: {workers or 'serial'}{' workers' if workers else ''} ({why})"
    return workers


def pytest_sessionstart(session):
    """After the plugin's own (the target is up): the run-ahead engine for --jobs N|auto."""
    config = session.config
    value = config.getoption("conformance_jobs", None)
    ctx = config.stash.get(CONTEXT, None)
    xdist = hasattr(config, "workerinput") or getattr(config.option, "numprocesses", None)
    if value and ctx is not None and ctx.started and not xdist and not config.option.collectonly:
        if value == "auto" and ctx.config.embedded:
            threads, why = jobs.LOCAL_THREADS, "the embedded target shares this machine's cores"
        elif value == "auto":
            threads, why = _measured(_max_users(config), ctx.base_url, ctx.grpc_uri, jobs.recommend)
        else:
            threads, why = int(value), "--jobs"
        if ctx.config.read_only or ctx.capabilities:
            threads, why = 0, "read-only or missing operations: every case runs alone"
        config.stash[CHOICE] = f"jobs: {f'{threads} cases in flight' if threads > 1 else 'serial'} ({why})"
        if threads > 1:
            config.stash[ENGINE] = Engine(threads)
    line = config.stash.get(CHOICE, None)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if line and reporter is not None and not hasattr(config, "workerinput"):
        reporter.write_line(line)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    """pytest's own loop, with the engine starting cases ahead before each item and waiting for the
    ones in flight when the loop ends (also on Ctrl-C: their creates and clean-ups complete)."""
    engine = session.config.stash.get(ENGINE, None)
    if engine is None or session.testsfailed or session.config.option.collectonly:
        return None  # pytest's (or xdist's) loop
    tap = WarningTap()  # the threads' SDK warnings, recorded as a serial run records them
    tap.install()
    try:
        for i, item in enumerate(session.items):
            engine.schedule(session.items, i)
            nextitem = session.items[i + 1] if i + 1 < len(session.items) else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            if session.shouldfail:
                raise session.Failed(session.shouldfail)
            if session.shouldstop:
                raise session.Interrupted(session.shouldstop)
    finally:
        engine.stop()
        tap.uninstall()
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """A case started ahead: its thread's outcome, as if the function had run here."""
    engine = pyfuncitem.config.stash.get(ENGINE, None)
    if engine is None:
        return None
    ahead = engine.take(pyfuncitem)
    if ahead is None:
        if engine.objects is None and eligible(pyfuncitem):
            engine.objects = SessionObjects.of(pyfuncitem)
        return None  # runs here, as usual
    pyfuncitem.stash[RECORDER] = ahead.recorder
    if ahead.error is not None:
        raise ahead.error
    return True
