"""How long a credential change takes to be visible (`users.settle_s`): on each surface, a handful
of users are created and dropped; the time from a create's answer to the first successful login,
and from a drop's answer to the first refusal, is measured. The key is written as a bound derived
from the longest time seen (never below MIN_BOUND_S), with every figure in its source."""

from __future__ import annotations

import math
import time
from statistics import median
from typing import Callable

from milvus_conformance.discover.findings import Findings
from milvus_conformance.discover.outcome import rest_shape
from milvus_conformance.discover.session import PASSWORD, Session
from milvus_conformance.redact import REDACTOR

KEY = "users.settle_s"
SAMPLES = 3  # users per surface (each: one create, one drop)
WAIT_S = 10.0  # longest a sample is polled; beyond it the change never settled here
POLL_S = 0.02
FACTOR = 3.0  # the bound: FACTOR x the longest time seen ...
MIN_BOUND_S = 0.5  # ... but never below this (a single proxy's cache; CF section 8)


def probe_settle(s: Session, f: Findings, auth_enabled: bool) -> None:
    """After probe_rest (the REST login check needs the auth failure's shape)."""
    if not auth_enabled:
        f.unknown(KEY, "authorization is disabled on the target: no login can be refused")
        return
    logins = _surfaces(s, f)
    if not logins:
        f.unknown(KEY, "no surface to log in on (no --base-url with a known auth failure, no --grpc-uri)")
        return
    seen: dict[str, tuple[list[float], list[float]]] = {}
    for surface, login in logins.items():
        created, dropped = [], []
        for _ in range(SAMPLES):
            name = s.name(middle="st")
            if not s.create(name, PASSWORD, keep=True).accepted:
                f.unknown(KEY, f"a create for the settle probe was refused ({surface})")
                return
            created.append(_until(lambda n=name, login=login: login(n, PASSWORD), True))
            s.drop(name)
            dropped.append(_until(lambda n=name, login=login: login(n, PASSWORD), False))
            if math.isinf(created[-1]) or math.isinf(dropped[-1]):
                break  # one change that never settled already leaves the key unknown: no more waits
        seen[surface] = (created, dropped)
    _write(f, seen)


def _surfaces(s: Session, f: Findings) -> dict[str, Callable[[str, str], bool]]:
    out: dict[str, Callable[[str, str], bool]] = {}
    refused = f.value("rest.outcome.auth_failed")
    if s.rest is not None and refused is not None:

        def rest_login(user: str, password: str) -> bool:
            REDACTOR.add_credentials(user, password)
            return rest_shape(s.rest.describe_user(user, token=f"{user}:{password}")) != refused

        out["rest"] = rest_login
    if s.sdk is not None:

        def sdk_login(user: str, password: str) -> bool:
            s.counter.count += 1
            return s.sdk.can_authenticate(user, password)

        out["sdk"] = sdk_login
    return out


def _until(attempt: Callable[[], bool], want: bool) -> float:
    """Seconds from now to the start of the first attempt that gives `want`; inf after WAIT_S."""
    start = time.monotonic()
    while True:
        began = time.monotonic()
        if attempt() == want:
            return began - start
        if time.monotonic() - start > WAIT_S:
            return math.inf
        time.sleep(POLL_S)


def _write(f: Findings, seen: dict[str, tuple[list[float], list[float]]]) -> None:
    parts, longest = [], 0.0
    for surface, (created, dropped) in seen.items():
        for what, times in (("create -> first login", created), ("drop -> first refusal", dropped)):
            parts.append(f"{surface} {what}: {_figures(times)}")
            longest = max(longest, *times)
    how = "; ".join(parts)
    if math.isinf(longest):
        f.unknown(KEY, f"a change did not settle within {WAIT_S:g} s ({how}): no bound can be stated")
        return
    bound = max(MIN_BOUND_S, math.ceil(FACTOR * longest * 10) / 10)
    f.found(
        KEY,
        bound,
        f"{SAMPLES} users per surface created and dropped: {how}; bound = "
        f"max({MIN_BOUND_S:g} s, {FACTOR:g} x the longest, {longest:.3f} s)",
    )


def _figures(times: list[float]) -> str:
    shown = [t for t in times if not math.isinf(t)]
    late = len(times) - len(shown)
    text = f"median {median(shown):.3f} s, max {max(shown):.3f} s" if shown else "none settled"
    return text + (f", {late} not within {WAIT_S:g} s" if late else "")


def probe_error_statuses(f: Findings) -> None:
    """`rest.standard_error_status` from what probe_rest/probe_names saw: an input error (invalid
    value) answered HTTP 200 is Milvus's envelope convention, 400 the standard statuses of PR #53092."""
    from milvus_conformance.contract.error_statuses import KEY as SWITCH, convention_of

    shape = f.value("rest.outcome.invalid_value")
    status = shape.get("status") if isinstance(shape, dict) else None
    switch = convention_of(status)
    if switch is None:
        f.unknown(
            SWITCH,
            f"an invalid value was answered HTTP {status}: neither convention (200 or 400)"
            if status is not None
            else "no invalid value was refused over REST",
        )
        return
    f.found(
        SWITCH,
        switch,
        f"an invalid value was answered HTTP {status}: "
        + ("standard statuses (PR #53092)" if switch else "Milvus's envelope convention"),
    )
