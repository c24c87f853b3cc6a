"""The gateway's HTTP status for a business error (`{code, message}` body unchanged): Milvus's
convention by default (HTTP 200), or with `standard` the statuses of Milvus PR #53092
(`proxy.http.standardErrorStatus`, open as of 2026-12, UNCONFIRMED until released; CF section 8):
input errors 400, authentication 401, permission 403, rate/quota limits 429, retriable system
errors 503, other system errors 500.

Which class a code is in follows merr where this project knows it; every other code is an "other
system error" (500) here - the profile (contract/error_statuses.py) leaves those kinds' status
open, so the suite does not depend on this guess."""

from __future__ import annotations

INPUT, AUTH, PERMISSION, LIMIT, RETRIABLE = 400, 401, 403, 429, 503
OTHER = 500
BY_CODE = {
    1100: INPUT,  # merr.ErrParameterInvalid
    1801: INPUT,  # merr.ErrIncorrectParameterFormat (a body gin cannot bind)
    1802: INPUT,  # merr.ErrMissingRequiredParameters
    1800: AUTH,  # merr.ErrNeedAuthenticate
    8: LIMIT,  # merr.ErrServiceRateLimit
    9: LIMIT,  # merr.ErrServiceQuotaExceeded
    2: RETRIABLE,  # merr.ErrServiceUnavailable
    4: RETRIABLE,  # merr.ErrServiceRequestLimitExceeded (retriable)
}


def error_status(code: int, standard: bool) -> int:
    """HTTP status of a business error with Milvus code `code`."""
    if not standard:
        return 200
    return BY_CODE.get(code, OTHER)
