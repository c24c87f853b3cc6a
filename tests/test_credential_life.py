"""Credential freshness through the whole life of a name (USER-CREDENTIAL-FRESHNESS,
USER-RECREATE-AFTER-DROP; S000/S001 "creates a new user with a corresponding password"; CF section 8:
every Milvus proxy caches credentials). After a create, an update_password, a drop, and a drop
followed by a create of the same name with another password, exactly the current password
authenticates - over REST and the SDK, whichever of REST, `utility` and `MilvusClient` made the
change - and
every earlier one is refused. Each password is used to log in before it is changed, so a credential
cache holds it when the change comes. Refusals right after a change are polled within the target's
settle bound (tests/support.py); a cache that keeps an old password longer fails."""

import pytest

from milvus_conformance.checks.verdict import Verdict, combine, failed, judge, labelled, passed
from milvus_conformance.results.surfaces import CHANNELS, Channel, SdkStyle
from tests.support import authenticates, sdk_as

FIRST, SECOND, THIRD = "Aa1!first1", "Bb2@second2", "Cc3#third33"  # valid under every profile
DROP = {Channel.SDK_UTILITY: "utility.delete_user", Channel.SDK_CLIENT: "client.drop_user"}
UPDATE = {SdkStyle.UTILITY: "utility.reset_password", SdkStyle.CLIENT: "client.update_password"}


def _surfaces(run_context, changed_on: Channel) -> list[Channel]:
    """Where logins are checked: the channel that made the change first, then the other surface
    if the run reaches it. An SDK login is the same on both styles (a connection of its own with
    the user's token), so one SDK channel stands for both; the change itself is made on each."""
    other = Channel.SDK_CLIENT if changed_on is Channel.REST else Channel.REST
    reachable = run_context.grpc_uri if other is Channel.SDK_CLIENT else run_context.base_url
    return [changed_on] + ([other] if reachable else [])


def _exactly(runner, surfaces, name: str, current: str | None, earlier: list[str], when: str) -> list[Verdict]:
    """`current` authenticates (None: no password does) and every one of `earlier` is refused, on
    each surface, each polled within the settle bound (a new user may reach another proxy late).
    Refusals first: a login with the current password must not refresh a cache that then answers for
    an old one."""
    out = []
    for channel in surfaces:
        out += [
            labelled(
                f"{when}, {channel}, an earlier password",
                authenticates(runner, channel, name, old, should=False, settle=True),
            )
            for old in earlier
        ]
        if current is not None:
            out.append(
                labelled(
                    f"{when}, {channel}, the current password",
                    authenticates(runner, channel, name, current, should=True, settle=True),
                )
            )
    return out


def _update(runner, channel: Channel, name: str, old: str, new: str):
    if channel is Channel.REST:
        return runner.client(channel).update_password(name, old, new)
    # on the user's own connection, as a user changes its password (tests/test_sdk_siblings.py)
    with sdk_as(runner.client(channel), name, old) as own:
        return own.call(UPDATE[channel.style], name, old, new)


def _drop(runner, channel: Channel, users, name: str) -> tuple[object, Verdict]:
    client = runner.client(channel)
    reply = client.drop_user(name) if channel is Channel.REST else client.call(DROP[channel], name)
    if runner.listed(channel, name):
        return reply, failed(f"{name!r} is still listed after the drop")
    users.dropped(name)
    return reply, passed("no longer listed")


def _created(runner, channel, name, password, record):
    ok = runner.expectations(channel, "ok", "ok")
    created = runner.attempt(channel, name, password, expected=ok)
    if not created.succeeded:
        runner.end(created.verdict, ok[0], created.reply)
    return ok, created


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.operation("users/update_password")
@pytest.mark.requirement("USER-CREDENTIAL-FRESHNESS")
def test_only_the_current_password_through_update_and_drop(channel, runner, run_context, users, record):
    surfaces, name = _surfaces(run_context, channel), users.name()
    ok, created = _created(runner, channel, name, FIRST, record)
    if not created.succeeded:
        return
    checks = [created.verdict, *_exactly(runner, surfaces, name, FIRST, [SECOND], "after the create")]
    updated = _update(runner, channel, name, FIRST, SECOND)
    checks.append(labelled("update_password", judge(updated, *ok)))
    checks += _exactly(runner, surfaces, name, SECOND, [FIRST], "after update_password")
    dropped, listed = _drop(runner, channel, users, name)
    checks += [labelled("drop", judge(dropped, *ok)), listed]
    checks += _exactly(runner, surfaces, name, None, [SECOND, FIRST], "after the drop")
    runner.end(combine(*checks), ok[0], updated)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.requirement("USER-RECREATE-AFTER-DROP", "USER-CREDENTIAL-FRESHNESS")
def test_a_recreated_name_has_only_its_new_password(channel, runner, run_context, users, record):
    surfaces, name = _surfaces(run_context, channel), users.name()
    ok, created = _created(runner, channel, name, FIRST, record)
    if not created.succeeded:
        return
    checks = [created.verdict, *_exactly(runner, surfaces, name, FIRST, [], "after the create")]
    dropped, listed = _drop(runner, channel, users, name)
    checks += [labelled("drop", judge(dropped, *ok)), listed]
    checks += _exactly(runner, surfaces, name, None, [FIRST], "after the drop")
    again = runner.attempt(channel, name, THIRD, expected=ok)
    checks.append(labelled("the second create of the name", again.verdict))
    if again.succeeded:
        checks += _exactly(runner, surfaces, name, THIRD, [FIRST], "after the re-create")
    runner.end(combine(*checks), ok[0], again.reply)
