"""The server's user limit (CF section 4: proxy.maxUserNum = 100 including root; CF section 5: the cap
holds on 2.3.5). Fills the target to the profile's `users.max_count` with fresh users, checks that
the next create is refused with the user_cap outcome over REST and the SDK (and creates nothing),
that dropping one makes room again, and drops everything it created. Opt-in (--fill-server): it holds
the fill lock exclusively, so no other case of the run has users alive meanwhile. Bookkeeping goes
through the ledger directly: the `users` fixture holds the same lock shared."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from milvus_conformance.harness.skip_kinds import skip_by_choice
from milvus_conformance.checks.expectations import expect
from milvus_conformance.checks.verdict import combine, failed, judge, passed
from milvus_conformance.harness.runner import end_case
from milvus_conformance.results.surfaces import SdkStyle, Surface
from tests.support import PASSWORD

CAPPED_SURFACES = (Surface.REST, Surface.SDK)
FILLERS = 8  # parallel creates while filling (each create hashes a password on the server)


def _send(surface, client, name):
    return (
        client.create_user(name, PASSWORD)
        if surface is Surface.REST
        else client.create_user(SdkStyle.UTILITY, name, PASSWORD)
    )


def _create(ledger, surface, client, name):
    """One create with the ledger's bookkeeping (owned if it exists afterwards)."""
    ledger.will_create(name)
    reply = _send(surface, client, name)
    if name in client.user_names():
        ledger.created(name)
    return reply


def _fill(ledger, sdk, names):
    for name in names:
        ledger.will_create(name)
    with ThreadPoolExecutor(FILLERS) as pool:
        list(pool.map(lambda n: _send(Surface.SDK, sdk, n), names))
    present = set(sdk.user_names())
    for name in names:
        if name in present:
            ledger.created(name)


def _after_making_room(ledger, client, surface, tracked, fresh, ok, cap, attempts=3):
    """Drop one of ours, then create: accepted. Somebody outside this run may take the freed place
    first (the lock only holds this run's workers off): then the target is at its cap again, so drop
    another of ours and try again."""
    for _ in range(attempts):
        ledger.release(next(n for n in reversed(tracked) if n in ledger.owned))
        name = fresh("room")
        reply = _create(ledger, surface, client, name)
        if name in ledger.owned or len(client.user_names()) < cap:
            break
    return judge(reply, ok, None)


@pytest.mark.fills_server
@pytest.mark.surface("both")
@pytest.mark.requirement("USER-CREATE-USER-CAP")
def test_user_cap(run_context, profile, ledger, fill_lock, rest, sdk, record):
    if not run_context.config.fill_server:
        skip_by_choice("opt-in: --fill-server")
    if run_context.config.read_only:
        skip_by_choice("read-only mode: this case creates users")
    cap = profile["users.max_count"]
    if cap is None:
        pytest.skip(f"profile {profile.name} does not define users.max_count")
    caps = {}
    for surface in CAPPED_SURFACES:
        # the docs document no cap: they make no prediction here (no deviation possible)
        caps[surface] = expect(profile, "user_cap", surface, [profile.get("users.max_count").cite()])
        if not caps[surface].covered:
            pytest.skip(f"profile {profile.name} does not cover user_cap on {surface}")
    oks = {surface: expect(profile, "ok", surface) for surface in CAPPED_SURFACES}
    clients = {Surface.REST: rest, Surface.SDK: sdk}
    with fill_lock.exclusive(), ledger.budget(cap):
        tracked = []

        def fresh(tag):
            tracked.append(ledger.fresh_name(tag=tag))
            return tracked[-1]

        try:
            room = cap - len(sdk.user_names())
            if room < 1:
                pytest.skip(f"the target already has {cap - room} users (cap {cap}): none of ours to drop")
            _fill(ledger, sdk, [fresh("cap") for _ in range(room)])
            at_cap = len(sdk.user_names())
            checks = [
                passed(f"{at_cap} users at the cap of {cap}")
                if at_cap >= cap
                else failed(f"filling stopped at {at_cap} users, under the cap of {cap}")
            ]
            for surface in CAPPED_SURFACES:
                name = fresh("over")
                checks.append(judge(_create(ledger, surface, clients[surface], name), caps[surface], None))
                if name in ledger.owned:
                    checks.append(failed(f"{name!r} was created past the cap over {surface}"))
            for surface in CAPPED_SURFACES:
                checks.append(_after_making_room(ledger, clients[surface], surface, tracked, fresh, oks[surface], cap))
            end_case(record, combine(*checks), caps[Surface.REST])
        finally:  # drops side by side, then one listing verifies them all
            with ThreadPoolExecutor(FILLERS) as pool:
                list(pool.map(lambda n: ledger.release(n, verify=False), [n for n in tracked if n in ledger.owned]))
            ledger.verify_drops()
