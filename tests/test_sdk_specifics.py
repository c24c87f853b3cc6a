"""What only the SDK has (S001 'PARAMETERS' using/timeout, 'EXCEPTIONS'; CF section 5): an unknown
connection alias, a generous and an impossible timeout (after which the run goes on), and the
exception raised for every error kind - MilvusException (or a subclass) as documented, or the type the
profile declares instead (permission denied and deadlines surface as grpc.RpcError in pymilvus)."""

from dataclasses import replace

import pytest

from milvus_conformance.harness.skip_kinds import not_applicable
from milvus_conformance.checks.verdict import combine, failed, judge, labelled, passed
from milvus_conformance.contract.rules import predict_create
from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.model import Status
from milvus_conformance.results.surfaces import SDK_STYLES, Channel, Surface
from tests.support import PASSWORD, sdk_as
from tests.tables.sdk_errors import SDK_ERROR_ROWS

pytestmark = pytest.mark.surface("sdk")
GENEROUS_S = 30
IMPOSSIBLE_S = 0.0001
INPUT_KINDS = ("invalid_value", "bcrypt_error", "missing_field")  # kinds the input alone decides


@pytest.mark.parametrize("style", SDK_STYLES)
@pytest.mark.requirement("SDK-CREATE-USER-TIMEOUT", "SDK-CREATE-USER-SIGNATURE")
def test_generous_timeout(style, runner, users):
    runner.create(Channel.sdk(style), users.name(), PASSWORD, timeout=GENEROUS_S)


MIN_ATTEMPTS = 12  # judged at least; more while the declared deviation has not shown (see below)
MAX_ATTEMPTS = 120  # 1-2 ms each; the deviation showed in 1 to 8 of 12 calls (load-dependent)


@pytest.mark.parametrize("style", SDK_STYLES)
@pytest.mark.requirement("SDK-CREATE-USER-TIMEOUT", "SDK-CREATE-USER-EXCEPTION")
def test_impossible_timeout_then_the_run_goes_on(style, runner, users, sdk, sdk_admin, record):
    channel = Channel.sdk(style)
    expected = runner.expectations(channel, "timeout", "timeout")
    # A deadline this short races the server: either the client's own deadline fires first (the
    # profile's declared exception type) or the server, seeing the propagated deadline expired,
    # answers first and pymilvus raises the documented MilvusException; rarely (seen on 2.3.5 under
    # load) the create even completes (inconclusive: tried again, under a fresh name). Which side
    # wins depends on the machine's load (measured on the embedded target in `make conformance`:
    # the client's deadline first in 1 to 10 of 12 calls, and in none of 12 in 2 of 6 runs once the
    # suite's own process got lighter), so the verdict does not hang on a fixed number of tries:
    # every attempt is judged, the first that breaks the active profile fails the case at once
    # (shown with that call); otherwise attempts go on, MIN_ATTEMPTS at least, until the declared
    # deviation shows (a known deviation) or MAX_ATTEMPTS have behaved as documented (a pass: the
    # deviation depends on a race). Attempts reuse one name until a create completes.
    seen: list = []
    names: list[str] = []
    open_name = None  # the name of the attempts under way (the server may still create it late)
    attempts = 0
    try:
        while attempts < MAX_ATTEMPTS and not _decided(seen, attempts):
            if open_name is None:
                if len(names) >= max(1, users.ledger.settled_room() - 1):
                    break  # no room for another name: judge what was seen
                open_name = users.name()
                names.append(open_name)
                users.before_create(open_name)
            attempts += 1
            reply = sdk.create_user(style, open_name, PASSWORD, timeout=IMPOSSIBLE_S)
            if reply.exception is None:  # the create won the race: nothing to judge
                users.after_create(open_name, True)
                open_name = None
                continue
            seen.append(judge(reply, *expected))
    finally:
        if open_name is not None:  # dropped when the case ends, created or not (a drop of none succeeds)
            users.after_create(open_name, True)
    name = names[-1]
    first = _timeout_verdict(seen, attempts, expected[0].describe())
    checks = [first]
    # The run goes on: the same connection creates the same name at once - ok, or duplicate when the
    # abandoned create was performed after all. Sent through the suite's unrecorded admin client,
    # so the case's report shows the impossible-timeout call it judged, not this one.
    again = sdk_admin.create_user(style, name, PASSWORD, timeout=GENEROUS_S)
    kind = "ok" if again.exception is None else "duplicate"
    checks.append(labelled("the create right after", judge(again, *runner.expectations(channel, kind, kind))))
    checks.append(
        passed("listed after the retry")
        if runner.listed(channel, name)
        else failed(f"{name!r} is not listed after the retry")
    )
    runner.end(combine(*checks), expected[0], reply)


def _decided(seen: list, attempts: int) -> bool:
    """Whether the impossible-timeout attempts can stop: an attempt broke the profile, or enough
    were judged and the declared deviation is among them."""
    if any(v.status in (Status.FAIL, Status.ERROR) for v in seen):
        return True
    return attempts >= MIN_ATTEMPTS and any(v.status is not Status.UNEXPECTED_PASS for v in seen)


def _timeout_verdict(seen: list, attempts: int, declared: str):
    """One verdict for the judged attempts of the impossible-timeout case (see there)."""
    if not seen:
        return failed(f"no call of {attempts} with an impossible timeout raised: every create completed within 0.1 ms")
    for status in (Status.FAIL, Status.ERROR):
        worst = [v for v in seen if v.status is status]
        if worst:
            return worst[0]
    documented = sum(v.status is Status.UNEXPECTED_PASS for v in seen)
    if documented == len(seen):  # a deviation that depends on a race cannot be stale
        return passed(
            f"behaved as documented in {documented} of {len(seen)} attempts; the declared "
            f"deviation ({declared}) depends on a race"
        )
    deviation = next(v for v in seen if v.status is not Status.UNEXPECTED_PASS)
    if documented:
        return replace(
            deviation,
            message=f"{deviation.message} (in {len(seen) - documented} of {len(seen)} "
            f"attempts; the others behaved as documented: the declared "
            f"deviation ({declared}) depends on a race)",
        )
    return deviation


@pytest.mark.parametrize("style", SDK_STYLES)
@pytest.mark.parametrize("row", params(SDK_ERROR_ROWS))
def test_error_raises_declared_exception(row, style, runner, profile, users, record):
    if style not in row.data.styles:
        not_applicable(f"{row.name} does not apply to the {style} style (no such parameter there)")
    channel = Channel.sdk(style)
    kind = row.data.kind
    name, password = row.make(profile, users)
    if kind in INPUT_KINDS:
        predicted = predict_create(profile, name, password, Surface.SDK)
        if predicted.kind != kind:
            pytest.skip(f"under profile {profile.name} this input gives {predicted.kind}, not {kind}")
    expected = runner.expectations(channel, kind, kind)
    if row.data.existing:
        _, ok = runner.raw_create(channel, name, PASSWORD)
        assert ok, f"setup: creating {name!r} failed"
    if not row.data.as_user:
        runner.create(channel, name, password, expected=expected, check_state=not row.data.existing, **row.data.kw)
        return
    owner = users.name()
    _, ok = runner.raw_create(channel, owner, PASSWORD)
    assert ok, f"setup: creating {owner!r} failed"
    with sdk_as(runner.client(channel), owner, PASSWORD, runner, channel) as as_owner:
        runner.create(
            channel,
            name,
            password,
            expected=expected,
            check_state=not row.data.existing,
            send=lambda: as_owner.create_user(style, name, password),
        )
