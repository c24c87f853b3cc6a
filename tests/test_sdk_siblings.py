"""The siblings of create over the SDK, as over REST (tests/test_rest_envelope.py): the protected
admin cannot be dropped (S001 'EXCEPTIONS'; CF section 4: 1401), and update_password changes the
password (the old one stops authenticating, the new one starts), in both pymilvus styles."""

import pytest

from milvus_conformance.checks.verdict import combine, failed, judge
from milvus_conformance.harness.protected import KEY as PROTECTED_KEY
from milvus_conformance.clients.channel import on
from milvus_conformance.results.surfaces import SDK_STYLES, Channel
from tests.support import OTHER_PASSWORD, PASSWORD, authenticates, sdk_as


@pytest.mark.serial  # a target that drops its admin would fail every case beside it
@pytest.mark.operation("users/drop")
@pytest.mark.requirement("USER-DROP-ENVELOPE")
@pytest.mark.parametrize("style", SDK_STYLES)
def test_sdk_drop_of_the_protected_admin_is_refused(style, runner, sdk, profile, record):
    protected = profile.get(PROTECTED_KEY)
    if not protected.covered:
        pytest.skip(f"the profile does not name the protected admin: {protected.cite()}")
    channel = Channel.sdk(style)
    active, docs = runner.expectations(channel, "drop_root", "drop_root")
    listed = sdk.user_names()
    admin = next((name for name in protected.value if name in listed), None)
    if admin is None:
        pytest.skip(f"none of the profile's protected admins {protected.value} is listed on the target")
    reply = runner.on(channel).drop(admin)
    verdict = judge(reply, active, docs)
    if admin not in sdk.user_names():
        verdict = combine(
            verdict,
            failed(f"{admin!r} is no longer listed: the target dropped its protected admin ({protected.cite()})"),
        )
    runner.end(verdict, active, reply)


@pytest.mark.operation("users/update_password")
@pytest.mark.requirement("USER-UPDATE-PASSWORD-ENVELOPE")
@pytest.mark.parametrize("style", SDK_STYLES)
def test_sdk_update_password_changes_the_password(style, runner, users, sdk, record):
    channel = Channel.sdk(style)
    name = users.name()
    created = runner.attempt(channel, name, PASSWORD, expected=runner.expectations(channel, "ok", "ok"))
    if not created.succeeded:
        runner.end(created.verdict, None, created.reply)
        return
    active, docs = runner.expectations(channel, "ok", "ok")
    # On the user's own connection, as a user changes its password: pymilvus's reset_password also
    # re-authenticates the connection it runs on with the new password (the admin's must not).
    with sdk_as(sdk, name, PASSWORD, runner, channel) as own:
        reply = on(channel, sdk=own).update_password(name, PASSWORD, OTHER_PASSWORD)
    verdict = combine(
        judge(reply, active, docs),
        authenticates(runner, channel, name, OTHER_PASSWORD, should=True, settle=True),
        authenticates(runner, channel, name, PASSWORD, should=False, settle=True),
    )
    runner.end(verdict, active, reply)
