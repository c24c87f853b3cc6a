"""Loaded first (`-p milvus_conformance.harness.early` in pyproject.toml's addopts), before pytest
loads its other plugins (schemathesis and Hypothesis take seconds to import): from here until the
run installs its own handler (harness/interrupt.py, at pytest_configure) nothing has been started or
created, so a Ctrl-C or SIGTERM ends the process at once with one line and exit status 2, instead of
a traceback from whatever module was importing. Runs that are not the suite's get Python's default
handlers back at pytest_configure (plugin.py)."""

from __future__ import annotations

import os
import signal

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stop(signum, frame) -> None:
    line = (
        f"conformance: interrupted ({signal.Signals(signum).name}) before the run started: "
        "nothing was started or created, no reports written\n"
    )
    os.write(2, line.encode())
    os._exit(2)


def pytest_addoption(parser) -> None:
    """The first hook pytest calls on a plugin (at registration)."""
    for sig in SIGNALS:
        signal.signal(sig, _stop)


def restore_defaults() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
