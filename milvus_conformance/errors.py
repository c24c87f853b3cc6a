"""Error classes and the exit statuses of every command (the suite, `milvus-conformance ...`).

A harness or infrastructure problem (bad configuration, target down) is never a conformance failure,
and a conformance failure is never reported as a harness problem: they have distinct exit statuses.
"""

from enum import IntEnum


class ExitStatus(IntEnum):
    """The one exit-status vocabulary (README "Exit statuses")."""

    CONFORMS = 0  # every case passed, was a known deviation, or was skipped; a command succeeded
    NONCONFORMANT = 1  # a conformance failure or unexpected pass; `compare`: a regression
    INTERRUPTED = 2  # Ctrl-C / SIGTERM
    INFRASTRUCTURE = 3  # target unreachable, TLS, the suite's own token refused, auth disabled, ...
    CONFIGURATION = 4  # unknown profile, malformed URL, missing token, bad command line or input file


class HarnessError(Exception):
    """Something is wrong with the harness or the infrastructure: the run has no verdict."""

    exit_status = ExitStatus.INFRASTRUCTURE


class ConfigError(HarnessError):
    """The configuration is wrong; raised before any request is sent."""

    exit_status = ExitStatus.CONFIGURATION


class MissingToken(ConfigError):
    """A given target without the admin token the suite needs."""


class TargetUnreachable(HarnessError):
    pass


class AuthDisabled(HarnessError):
    """The target accepts any token (preflight): no verdict unless --allow-auth-disabled, or the
    capability check already gave one (missing operations)."""


class TlsError(HarnessError):
    """The TLS handshake with the target failed: names the cause and the option that fixes it."""


class EmbeddedStartError(HarnessError):
    pass


class ConformanceFailure(AssertionError):
    """The target does not behave as the profile says. Carries the data the report needs."""

    def __init__(self, message: str, expected=None, observed=None):
        super().__init__(message)
        self.expected = expected
        self.observed = observed
