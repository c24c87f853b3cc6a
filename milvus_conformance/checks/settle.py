"""Settling: a login right after a create, an update_password or a drop is polled until it gives
the answer it should, for at most the target's bound (`users.settle_s`), never longer; how long
it took is a `SettleSample`. A target that needs longer than its bound fails, citing the time."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from milvus_conformance.checks.verdict import Verdict, failed
from milvus_conformance.results.settle import ACCEPT, REFUSE, SettleSample

KEY = "users.settle_s"
DEFAULT_BOUND_S = 5.0  # a profile that leaves the key null (UNCONFIRMED): the conservative bound
POLL_S = 0.05  # between two attempts


@dataclass(frozen=True)
class Bound:
    seconds: float
    source: str  # the profile value's citation (key, value, profile, source)

    def cite(self) -> str:
        return self.source


def bound_of(profile) -> Bound:
    """The active profile's settle bound; a null value gives DEFAULT_BOUND_S, saying so."""
    value = profile.get(KEY)
    if value.value is None:
        return Bound(
            DEFAULT_BOUND_S,
            f"{KEY}={DEFAULT_BOUND_S:g}: conservative default, profile {profile.name} leaves it open ({value.source})",
        )
    return Bound(float(value.value), value.cite())


@dataclass(frozen=True)
class Polled:
    accepted: bool  # the last attempt's answer
    sample: SettleSample


def poll(
    attempt: Callable[[], bool],
    should: bool,
    bound: Bound,
    surface: str,
    user: str,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Polled:
    """attempt() (True: the credentials were accepted) until it answers `should`, or until `bound`
    has passed since the first attempt. The sample's seconds run from the first attempt to the start
    of the one that answered as it should (0.0: at once), or to giving up."""
    start = clock()
    attempts = 0
    while True:
        began = clock()
        attempts += 1
        accepted = attempt()
        if accepted == should:
            return Polled(accepted, _sample(surface, should, began - start, attempts, True, bound, user))
        elapsed = clock() - start
        if elapsed >= bound.seconds:
            return Polled(accepted, _sample(surface, should, elapsed, attempts, False, bound, user))
        sleep(min(POLL_S, max(bound.seconds - elapsed, 0.0)))


def _sample(surface, should, seconds, attempts, settled, bound: Bound, user) -> SettleSample:
    return SettleSample(
        str(surface), ACCEPT if should else REFUSE, round(max(seconds, 0.0), 4), attempts, settled, bound.seconds, user
    )


def late(sample: SettleSample, bound: Bound) -> Verdict | None:
    """The failure of a check that did not settle within the bound, citing the time; None if it did."""
    if sample.settled:
        return None
    what = (
        "still could not log in with its password"
        if sample.expect == ACCEPT
        else "was still let in with a wrong or dropped password"
    )
    return failed(
        f"{sample.user!r} {what} {sample.seconds:.3f} s after the first attempt "
        f"({sample.attempts} attempts): longer than the target's settle bound ({bound.cite()})"
    )
