"""The one reader of the CONFORMANCE_* environment variables. Every option of a run has one
(harness/config.py `OPTIONS` and `FLAGS` name them, with the pytest option they back); a command that
offers the same setting (serve, matrix-run, lookalikes) reads its variable here too, so an option
given on the command line always wins over its variable, and a variable is spelled in one table.
The variables that back no option (one process telling its suite subprocesses what to do, or the
GitHub Action telling the suite its commit) are in `INTERNAL` below."""

from __future__ import annotations

import os
from collections.abc import Mapping

PREFIX = "CONFORMANCE_"
TRUE_WORDS = ("1", "true", "yes", "on")

# Variables that back no option: name -> (default, meaning). Not for users to set.
INTERNAL: dict[str, tuple[str | None, str]] = {
    "CONFORMANCE_KILLRATE_DUMP": (
        None,
        "kill-rate runner -> its suite subprocess: a file to write {node ID: requirement IDs} of the "
        "collected cases to (faults/killrate_plugin.py)",
    ),
    "CONFORMANCE_KILLRATE_SELECT": (
        None,
        "kill-rate runner -> its suite subprocess: a file of JSON node IDs; every other collected case "
        "is deselected (faults/killrate_plugin.py)",
    ),
    "CONFORMANCE_CLIENT_FAULT": (
        None,
        "kill-rate runner -> its suite subprocess: the client fault patched into pymilvus for the "
        "session (faults/client_plugin.py)",
    ),
    "CONFORMANCE_SUITE_COMMIT": (
        None,
        "the suite's git commit where the installed copy has no .git (set by action.yml; recorded "
        "by --certify, certify/environment.py)",
    ),
}


def environment(var: str, env: Mapping[str, str] | None = None) -> str | None:
    """The value of `var` (a CONFORMANCE_* name) in `env` (default: the process environment); None
    when unset or empty (an `INTERNAL` variable's default then)."""
    if not var.startswith(PREFIX):
        raise ValueError(f"not a suite variable: {var}")
    value = (os.environ if env is None else env).get(var)
    return value or INTERNAL.get(var, (None, ""))[0]


def is_true(text: str | None) -> bool:
    """A flag's variable: 1, true, yes or on (any case) turn it on."""
    return (text or "").strip().lower() in TRUE_WORDS


def flag(var: str, env: Mapping[str, str] | None = None) -> bool:
    """Whether the flag variable `var` is on in `env` (default: the process environment)."""
    return is_true(environment(var, env))


def given(option_value, var: str, env: Mapping[str, str] | None = None):
    """An option's value: the one given on the command line, else its variable's, else None."""
    return option_value if option_value not in (None, "") else environment(var, env)


def suite_variables(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every CONFORMANCE_* variable set in `env` (default: the process environment), by name: what
    shaped a run, for a certified run's manifest."""
    return {k: v for k, v in sorted((os.environ if env is None else env).items()) if k.startswith(PREFIX)}
