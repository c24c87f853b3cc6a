"""A login names exactly one existing user (USER-LOGIN-IDENTITY; S000 "Authorization: Bearer
username:password"; CF section 4: names compared byte-wise, trimmed only for validation), on REST and
both SDK styles: with the right password, a name that differs from the user's only in letter case
(where the profile says names are case-sensitive) or by surrounding whitespace, and that itself names
nobody, is refused; so is the user's own name once the user is dropped and the name belongs to
nobody. REST sends the name as HTTP Basic credentials where a Bearer header cannot carry it (a
trailing tab or newline, CF section 8)."""

import pytest

from milvus_conformance.checks.verdict import combine, failed, labelled, passed
from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import CHANNELS, Channel
from tests.support import PASSWORD, authenticates
from tests.tables.login_names import LOGIN_NAME_ROWS
from tests.tables.password_bytes import bearer_carries

DROP = {Channel.SDK_UTILITY: "utility.delete_user", Channel.SDK_CLIENT: "client.drop_user"}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("row", params(LOGIN_NAME_ROWS))
def test_a_login_names_exactly_one_user(row, channel, runner, profile, users, record):
    if row.data.needs_case_sensitive and profile["user_name.case_sensitive"] is not True:
        pytest.skip(
            f"profile {profile.name} does not say names are case-sensitive "
            f"({profile.get('user_name.case_sensitive').cite()})"
        )
    name = users.name(tag="IdCase")
    ok = runner.expectations(channel, "ok", None)
    created = runner.attempt(channel, name, PASSWORD, expected=ok)
    if not created.succeeded:
        runner.end(created.verdict, ok[0], created.reply)
        return
    variant = row.data.variant(name)
    listed = runner.client(channel).user_names()
    if variant in listed:  # it names a user after all: not this row's question
        pytest.skip(f"{variant!r} exists on the target")
    basic = channel is Channel.REST and not bearer_carries(variant + ":" + PASSWORD)
    checks = [
        created.verdict,
        labelled(
            f"{row.name} of the user's name",
            authenticates(runner, channel, variant, PASSWORD, should=False, basic=basic),
        ),
        labelled("the user's own name", authenticates(runner, channel, name, PASSWORD, should=True)),
    ]
    runner.end(combine(*checks), ok[0], created.reply)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.requirement("USER-LOGIN-IDENTITY", "USER-DROP-SEMANTICS")
def test_a_dropped_users_name_logs_in_as_nobody(channel, runner, users, record):
    name = users.name()
    ok = runner.expectations(channel, "ok", "ok")
    created = runner.attempt(channel, name, PASSWORD, expected=ok)
    if not created.succeeded:
        runner.end(created.verdict, ok[0], created.reply)
        return
    checks = [created.verdict, authenticates(runner, channel, name, PASSWORD, should=True)]
    client = runner.client(channel)
    reply = client.drop_user(name) if channel is Channel.REST else client.call(DROP[channel], name)
    if runner.listed(channel, name):
        checks.append(failed(f"{name!r} is still listed after the drop"))
    else:
        users.dropped(name)
        checks += [
            passed("no longer listed"),
            labelled(
                "the dropped user's name", authenticates(runner, channel, name, PASSWORD, should=False, settle=True)
            ),
        ]
    runner.end(combine(*checks), ok[0], reply)
