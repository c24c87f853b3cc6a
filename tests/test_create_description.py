"""A create that carries a `description` (profile key `user.description`): accepted everywhere the
profile covers it; on Milvus 3.0 it is stored and describe answers it back (CF section 7), earlier
releases ignore it as an unknown field (CF section 3). Not in the vendor docs: no deviation here."""

import pytest

from milvus_conformance.checks.verdict import combine, failed, passed
from milvus_conformance.clients.rest import USERS
from milvus_conformance.results.surfaces import Channel
from tests.support import PASSWORD

KEY = "user.description"
DESCRIPTION = "created by the conformance suite"


def _mode(profile) -> str:
    mode = profile.get(KEY)
    if mode.value is None:
        pytest.skip(f"not covered by the active profile: {mode.cite()}")
    return mode.value


@pytest.mark.surface("rest")
@pytest.mark.requirement("USER-CREATE-UNKNOWN-FIELDS")
def test_rest_create_with_a_description(runner, profile, users, rest, record):
    mode = _mode(profile)
    name = users.name()
    body = {"userName": name, "password": PASSWORD, "description": DESCRIPTION}
    expected = runner.expectations(Channel.REST, "ok", None, [profile.get(KEY).cite()])
    outcome = runner.attempt(
        Channel.REST, name, PASSWORD, expected=expected, send=lambda: rest.request(f"{USERS}/create", body)
    )
    verdict = outcome.verdict
    if mode == "stored" and outcome.succeeded:
        described = rest.describe_user(name)
        got = described.json.get("description") if isinstance(described.json, dict) else None
        verdict = combine(
            verdict,
            passed("describe answers the description back")
            if got == DESCRIPTION
            else failed(f"describe answers description {got!r}, expected {DESCRIPTION!r}"),
        )
    runner.end(verdict, expected[0], outcome.reply)


@pytest.mark.surface("sdk")
@pytest.mark.requirement("SDK-CREATE-USER-SIGNATURE")
def test_sdk_create_with_a_description(runner, profile, users):
    """MilvusClient.create_user(description=...) (pymilvus 2.6.16+) is accepted; whether SelectUser
    answers it back is not in CF, so only REST's describe is checked."""
    _mode(profile)
    expected = runner.expectations(Channel.SDK_CLIENT, "ok", None, [profile.get(KEY).cite()])
    runner.create(Channel.SDK_CLIENT, users.name(), PASSWORD, expected=expected, description=DESCRIPTION)
