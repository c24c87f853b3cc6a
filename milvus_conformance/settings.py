"""The one reader of the CONFORMANCE_* environment variables. Every option of a run has one
(harness/config.py `OPTIONS` and `FLAGS` name them, with the pytest option they back); a command that
offers the same setting (serve, matrix-run) reads its variable here too, so an option given on the
command line always wins over its variable, and a variable is spelled in one table."""

from __future__ import annotations

import os
from collections.abc import Mapping

PREFIX = "CONFORMANCE_"


def environment(var: str, env: Mapping[str, str] | None = None) -> str | None:
    """The value of `var` (a CONFORMANCE_* name) in `env` (default: the process environment); None
    when unset or empty."""
    if not var.startswith(PREFIX):
        raise ValueError(f"not a suite variable: {var}")
    value = (os.environ if env is None else env).get(var)
    return value or None


def given(option_value, var: str, env: Mapping[str, str] | None = None):
    """An option's value: the one given on the command line, else its variable's, else None."""
    return option_value if option_value not in (None, "") else environment(var, env)
