"""Which HTTP statuses a REST target uses for errors: Milvus's envelope convention (every business
error HTTP 200 with the code in the body; only authentication 401 and permission 403 differ), or
standard statuses (Milvus PR #53092, `proxy.http.standardErrorStatus`, open as of 2026-12; CF
section 8): input errors 400, authentication 401, permission 403, rate/quota limits 429, retriable
system errors 503, other system errors 500, the `{code, message}` body unchanged.

A profile says which with one switch, `rest.standard_error_status`: `true` derives the status of
each REST outcome kind below from the convention (replacing what the per-outcome entry says);
`false` or `null` leaves the per-outcome entries as written. Which class a given code falls in is
merr's classification, UNCONFIRMED per code (CF section 8): where this project does not know it,
the derived status is `null` (any status), so no case hard-fails on a guess. The whole mapping is
UNCONFIRMED until the pull request is released."""

from __future__ import annotations

from typing import Any

KEY = "rest.standard_error_status"
SOURCE = "PR #53092 proxy.http.standardErrorStatus (open, UNCONFIRMED until released; CF section 8)"

# outcome kind -> (HTTP status under the standard convention or None: class UNCONFIRMED, why)
STANDARD: dict[str, tuple[int | None, str]] = {
    "invalid_value": (400, "an input error (1100 parameter invalid)"),
    "missing_field": (400, "an input error (1802 missing required parameters)"),
    "malformed_body": (400, "an input error (1801 incorrect parameter format)"),
    "auth_failed": (401, "authentication (401 regardless of the switch)"),
    "permission_denied": (403, "permission (403 regardless of the switch)"),
    "duplicate": (None, "a duplicate user's error class is UNCONFIRMED (CF section 8)"),
    "bcrypt_error": (None, "the bcrypt 72-byte error's class is UNCONFIRMED (CF section 8)"),
    "user_cap": (None, "the user cap's class (input error or quota limit 429) is UNCONFIRMED"),
    "drop_root": (None, "dropping the protected admin: the error's class is UNCONFIRMED"),
}
# Kinds the switch does not touch: success, and what the router or middleware answers itself
# (timeout 408, unknown route 404, wrong method 405) - not business errors of a handler.


def derive(profile, kind: str, spec: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str | None]:
    """A REST outcome's spec under the profile's convention, and the source to cite when the
    switch changed it (None: the per-outcome entry stands)."""
    switch = profile.get(KEY) if KEY in profile.keys() else None
    if switch is None or switch.value is not True or spec is None or kind not in STANDARD:
        return spec, None
    status, why = STANDARD[kind]
    return {**spec, "status": status}, f"{switch.cite()} -> HTTP {status or 'any status'}: {why} ({SOURCE})"


def convention_of(invalid_value_status: int | None) -> bool | None:
    """What `discover` writes for the switch, from the status of an input error (a refused create
    with an invalid name): 200 -> envelope (False), 400 -> standard (True), else unknown (None)."""
    return {200: False, 400: True}.get(invalid_value_status)


SYSTEM_ERROR_STATUSES = (500, 503)


def classified_system_error(profile, status: int, body: Any) -> bool:
    """Under the standard convention a 500 or 503 carrying the `{code, message}` envelope with a
    non-zero code is a system error the target classified (not a crash of its handler)."""
    switch = profile.get(KEY) if KEY in profile.keys() else None
    code = body.get("code") if isinstance(body, dict) else None
    return (
        switch is not None
        and switch.value is True
        and status in SYSTEM_ERROR_STATUSES
        and type(code) is int
        and code != 0
    )
