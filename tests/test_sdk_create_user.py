"""The SDK as documented (S001): utility.create_user and MilvusClient.create_user create a user that
is listed, described, and can connect with its password; errors raise MilvusException."""
import pytest
from pymilvus import utility

from milvus_conformance.checks.verdict import failed, passed
from milvus_conformance.results.surfaces import SDK_STYLES, Channel
from tests.support import authenticates

PASSWORD = "Aa1!bcdefg"


@pytest.mark.surface("sdk")
@pytest.mark.requirement("SDK-CREATE-USER-SIGNATURE", "SDK-CREATE-USER-RETURNS-NONE",
                         "USER-CREATE-SEMANTICS", "USER-LIST-ENVELOPE", "USER-DESCRIBE-ENVELOPE")
@pytest.mark.parametrize("style", SDK_STYLES)
def test_create_user_is_listed_described_and_can_connect(style, sdk, runner, users, record):
    name = users.name()
    users.before_create(name)
    reply = sdk.create_user(style, name, PASSWORD)
    users.after_create(name, reply.exception is None)
    problems = []
    if reply.exception is not None:
        problems.append(f"create_user raised {reply.raised} (code {reply.code})")
    elif reply.returned is not None:
        problems.append(f"create_user returned {reply.returned!r}, not None")
    if not problems:
        if name not in utility.list_usernames(using=sdk.alias):
            problems.append("not in utility.list_usernames()")
        if name not in sdk.client.list_users():
            problems.append("not in MilvusClient.list_users()")
        described = sdk.client.describe_user(name)
        if not isinstance(described, dict) or described.get("user_name") != name:
            problems.append(f"describe_user gave {described!r}")
        # polled while the credentials settle (users.settle_s), like every login check
        channel = Channel.sdk(style)
        problems += [p for check in (authenticates(runner, channel, name, PASSWORD, should=True),
                                     authenticates(runner, channel, name, PASSWORD + "x", should=False))
                     for p in check.problems]
    record.conclude(failed("; ".join(problems), problems) if problems
                    else passed("created, listed, described, connects"))


@pytest.mark.surface("sdk")
@pytest.mark.requirement("USER-CREATE-DUPLICATE", "SDK-CREATE-USER-EXCEPTION")
@pytest.mark.parametrize("style", SDK_STYLES)
def test_duplicate_raises(style, runner, users):
    name = users.name()
    first, ok = runner.raw_create(Channel.sdk(style), name, PASSWORD)
    assert ok, f"setup: the first create failed: {first.raised} {first.code}"
    active, docs = runner.expectations(Channel.sdk(style), "duplicate", "duplicate")
    runner.create(Channel.sdk(style), name, PASSWORD + "2", expected=(active, docs))
