"""Loaded first (`-p milvus_conformance.harness.early` in pyproject.toml's addopts), before pytest
loads its other plugins (schemathesis and Hypothesis take seconds to import).

- A run of the suite against the embedded target starts that target here, in a thread
  (harness/prestart.py; the decision: harness/prestart_decision.py), so that its Milvus gets ready
  while pytest imports and collects; the session start takes it over.
- From here until the run installs its own handler (harness/interrupt.py, at pytest_configure) a
  Ctrl-C or SIGTERM ends the process at once with one line and exit status 2, instead of a traceback
  from whatever module was importing; a target being started early is stopped first (its server
  group killed). Runs that are not the suite's get Python's default handlers back at
  pytest_configure (plugin.py)."""

from __future__ import annotations

import os
import signal
import sys
from functools import partial

from milvus_conformance.harness.prestart import PRESTART, Prestart

SIGNALS = (signal.SIGINT, signal.SIGTERM)
ABORT_WAIT_S = 3.0  # an interrupt waits this long at most for the early start's clean-up


def _stop(prestart: Prestart, signum, frame) -> None:
    started = prestart.begun
    if started:
        prestart.abort(ABORT_WAIT_S)
    what = (
        "the embedded target being started is stopped, nothing was created"
        if started
        else "nothing was started or created"
    )
    line = (
        f"conformance: interrupted ({signal.Signals(signum).name}) before the run started: {what}, no reports written\n"
    )
    os.write(2, line.encode())
    os._exit(2)


def pytest_addoption(parser, pluginmanager) -> None:
    """The first hook pytest calls on a plugin (at registration)."""
    prestart = Prestart()
    for sig in SIGNALS:
        signal.signal(sig, partial(_stop, prestart))
    config = pluginmanager.get_plugin("pytestconfig")
    if config is None:
        return
    config.stash[PRESTART] = prestart
    from milvus_conformance.harness.prestart_decision import decide

    decision = decide(config, pluginmanager, sys.modules[__name__])
    if decision.plan is not None:
        try:
            prestart.begin(decision.plan)
        except Exception:  # noqa: BLE001 - not begun: the session start starts the target itself
            pass


def restore_defaults() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
