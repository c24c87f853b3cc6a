"""The SDK as documented (S001): utility.create_user and MilvusClient.create_user create a user that
is listed, described, and can connect with its password; errors raise MilvusException."""

import pytest

from milvus_conformance.checks.verdict import combine, failed, passed
from milvus_conformance.clients.channel import on
from milvus_conformance.results.surfaces import SDK_STYLES, Channel, SdkStyle
from tests.support import authenticates

PASSWORD = "Aa1!bcdefg"


def _listed_and_described(sdk, name) -> list[str]:
    """Both styles list the user, and MilvusClient describes it (recorded calls)."""
    problems = []
    for style in SDK_STYLES:
        listed = on(Channel.sdk(style), sdk=sdk).list()
        if listed.exception is not None or name not in (listed.returned or []):
            problems.append(f"not in {listed.exchange.request['call']}()")
    described = on(Channel.sdk(SdkStyle.CLIENT), sdk=sdk).describe(name).returned
    if not isinstance(described, dict) or described.get("user_name") != name:
        problems.append(f"describe_user gave {described!r}")
    return problems


@pytest.mark.surface("sdk")
@pytest.mark.requirement(
    "SDK-CREATE-USER-SIGNATURE",
    "SDK-CREATE-USER-RETURNS-NONE",
    "USER-CREATE-SEMANTICS",
    "USER-LIST-ENVELOPE",
    "USER-DESCRIBE-ENVELOPE",
)
@pytest.mark.parametrize("style", SDK_STYLES)
def test_create_user_is_listed_described_and_can_connect(style, runner, users, sdk):
    channel = Channel.sdk(style)
    expected = runner.expectations(channel, "ok", "ok")
    name = users.name()
    created = runner.attempt(channel, name, PASSWORD, expected=expected)
    problems = []
    if created.succeeded:
        problems = _listed_and_described(sdk, name)
        # polled while the credentials settle (users.settle_s), like every login check
        problems += [
            p
            for check in (
                authenticates(runner, channel, name, PASSWORD, should=True),
                authenticates(runner, channel, name, PASSWORD + "x", should=False),
            )
            for p in check.problems
        ]
    runner.end(
        combine(
            created.verdict,
            failed("; ".join(problems), problems) if problems else passed("created, listed, described, connects"),
        ),
        expected[0],
        created.reply,
    )


@pytest.mark.surface("sdk")
@pytest.mark.requirement("USER-CREATE-DUPLICATE", "SDK-CREATE-USER-EXCEPTION")
@pytest.mark.parametrize("style", SDK_STYLES)
def test_duplicate_raises(style, runner, users):
    name = users.name()
    first, ok = runner.raw_create(Channel.sdk(style), name, PASSWORD)
    assert ok, f"setup: the first create failed: {first.raised} {first.code}"
    active, docs = runner.expectations(Channel.sdk(style), "duplicate", "duplicate")
    runner.create(Channel.sdk(style), name, PASSWORD + "2", expected=(active, docs), check_state=False)
