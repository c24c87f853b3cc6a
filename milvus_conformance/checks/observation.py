"""The one rule for "the target accepted this call", and the `Observation` of a reply made with it.

`accepted` is what ownership of a created name rests on (the runner), what a parity check compares
(checks/parity.py) and, stored in the observation, what every report view shows (reports/outcomes.py,
reports/parity.py). REST: the profile's success status and code (`rest.success_code`: 0, or 200 in
Milvus 2.4.0-2.4.2); the SDK: the call raised nothing.
"""

from __future__ import annotations

from typing import Any

from milvus_conformance.contract.profiles import Profile
from milvus_conformance.results.observation import Observation
from milvus_conformance.results.surfaces import Surface


def is_rest(reply: Any) -> bool:
    """A REST reply (status, headers, text) rather than an SDK one (returned, exception)."""
    return hasattr(reply, "status")


def accepted(profile: Profile, reply: Any) -> bool:
    """Whether the target said the call succeeded, by the active profile's rule."""
    if is_rest(reply):
        return reply.status == 200 and reply.code == profile["rest.success_code"]
    return reply.exception is None


def observe(profile: Profile, reply: Any) -> Observation:
    """What `reply` shows, with `accepted` decided by `profile`."""
    ok = accepted(profile, reply)
    if is_rest(reply):
        return Observation(
            Surface.REST,
            ok,
            status=reply.status,
            content_type=reply.content_type,
            body=reply.json if reply.json is not None else reply.text[:300],
        )
    return Observation(
        Surface.SDK,
        ok,
        raised=reply.raised,
        sdk_code=reply.code,
        returned=None if reply.exception else repr(reply.returned),
    )
