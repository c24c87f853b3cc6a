"""The pytest side of `--certify` (registered by harness/plugin.py): the option, the profile's sums
when the run starts, and the bundle after the run's reports are written (certify/certify.py)."""

from __future__ import annotations

import os
import sys

import pytest

from milvus_conformance.certify.certify import CertifyInput, certify
from milvus_conformance.certify.environment import profile_chain, sha256_file
from milvus_conformance.errors import ExitStatus
from milvus_conformance.harness.keys import CONTEXT, RUN_RESULT
from milvus_conformance.settings import flag

ENV = "CONFORMANCE_CERTIFY"
STARTED = pytest.StashKey[tuple]()
LINES = pytest.StashKey[list]()


def pytest_addoption(parser):
    parser.getgroup("conformance").addoption(
        "--certify",
        dest="conformance_certify",
        action="store_true",
        default=False,
        help="a certified run: refuse skips the profile does not explain, pin the profile by its "
        f"SHA-256, write reports/bundle.tar.gz for `milvus-conformance verify` [env {ENV}]",
    )


def _wanted(config) -> bool:
    if hasattr(config, "workerinput") or CONTEXT not in config.stash:
        return False
    return config.getoption("conformance_certify") or flag(ENV)


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    if not _wanted(config):
        return
    target = config.stash[CONTEXT].config
    if target.read_only:
        raise pytest.UsageError("--certify with --read-only: a read-only run cannot back a claim")
    (target.reports_dir / "bundle.tar.gz").unlink(missing_ok=True)  # never a stale bundle


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    config = session.config
    if not _wanted(config) or config.stash[CONTEXT].profile_choice is None:
        return
    chain = profile_chain(config.stash[CONTEXT].profile_choice.profile)
    config.stash[STARTED] = (chain, [sha256_file(p) for p in chain])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """The outermost wrapper: after the harness's own session finish (harness/plugin.py, itself a
    wrapper) has written the results and set the exit status."""
    yield
    config = session.config
    if not _wanted(config) or RUN_RESULT not in config.stash:
        return
    ctx = config.stash[CONTEXT]
    if STARTED not in config.stash:
        config.stash[LINES] = ["certify: refused: the run ended before its profile was chosen; no bundle written"]
        _say(config)
        return
    chain, sums = config.stash[STARTED]
    outcome = certify(
        CertifyInput(
            run=config.stash[RUN_RESULT],
            reports_dir=ctx.config.reports_dir,
            choice=ctx.profile_choice,
            profile_files=chain,
            profile_sums_at_start=sums,
            tier=ctx.config.tier,
            command=[os.path.basename(sys.argv[0]), *config.invocation_params.args],
            exit_status=int(session.exitstatus),
            secrets=[s for s in (ctx.config.token, ctx.token) if s],
        )
    )
    config.stash[LINES] = outcome.lines
    if outcome.refusals and session.exitstatus == ExitStatus.CONFORMS:
        session.exitstatus = ExitStatus.NONCONFORMANT
    _say(config)


def _say(config) -> None:
    """The certify lines, last: the terminal summary was written before this outermost wrapper's end."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for line in config.stash.get(LINES, []):
        if reporter is not None:
            reporter.write_line(line)
        else:
            print(line)
