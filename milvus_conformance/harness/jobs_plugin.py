"""`--jobs N|auto` and `-n auto` for the suite (harness/jobs.py decides): `--jobs N` is xdist's
`-n N`; `auto` measures the target's round trip and picks the workers from it (serial against the
embedded or a local target). Registered by the plugin (`pytest_plugins`)."""

from __future__ import annotations

import os

import pytest

from milvus_conformance.errors import ExitStatus
from milvus_conformance.harness import jobs
from milvus_conformance.harness.stop import stop
from milvus_conformance.settings import environment

OPTION = ("--jobs", "CONFORMANCE_JOBS")  # README's option table lists it with the others

CHOICE = pytest.StashKey[str]()


def pytest_addoption(parser):
    parser.getgroup("conformance").addoption(
        OPTION[0],
        dest="conformance_jobs",
        default=environment(OPTION[1]),
        help="cases run side by side in N xdist workers; auto: from the target's measured round trip "
        "(serial against a local target) [env CONFORMANCE_JOBS]",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Before xdist reads -n: --jobs sets it (an explicit -n wins)."""
    value = config.getoption("conformance_jobs", None)
    if hasattr(config, "workerinput") or os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a worker runs its share; it never starts workers of its own
    if value and not getattr(config.option, "numprocesses", None):
        if value != "auto" and not value.isdigit():
            stop(f"--jobs: expected a number or auto, got {value!r}", ExitStatus.CONFIGURATION)
        config.option.numprocesses = value if value == "auto" else int(value)


def _option(config, name: str) -> str | None:
    return config.getoption(f"conformance_{name}", None) or environment(f"CONFORMANCE_{name.upper()}")


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto` / `--jobs auto` for a run of the suite: from the target's round trip."""
    base_url, grpc_uri = _option(config, "base_url"), _option(config, "grpc_uri")
    if not (base_url or grpc_uri):
        config.stash[CHOICE] = "jobs auto: serial (the embedded target is local)"
        return 0
    try:
        max_users = int(_option(config, "max_users") or 20)
    except ValueError:
        max_users = 20  # the run itself refuses it with one line
    rtt = jobs.measure_rtt(base_url, grpc_uri)
    workers = jobs.recommend(rtt, max_users)
    shown = "not measured" if rtt is None else f"{rtt * 1000:.1f} ms"
    config.stash[CHOICE] = (
        f"jobs auto: {workers or 'serial'}{' workers' if workers else ''} (round trip {shown}; --max-users {max_users})"
    )
    return workers


def pytest_sessionstart(session):
    line = session.config.stash.get(CHOICE, None)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if line and reporter is not None and not hasattr(session.config, "workerinput"):
        reporter.write_line(line)
