"""Raw create bodies over REST (S000 'Request Body'; CF section 3 "Body handling"): not JSON, not an
object, missing or empty fields, fields of the wrong type, unknown fields, trailing data, the
request's Content-Type, case-variant keys and a very large body. Every body that holds a usable name
holds a fresh one, recorded before the request and checked afterwards (created exactly when accepted)."""

import pytest

from milvus_conformance.checks.verdict import combine, failed
from milvus_conformance.clients.rest import USERS
from milvus_conformance.harness.scenarios import params
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.surfaces import Channel
from tests.support import PASSWORD
from tests.tables.bodies import BODY_ROWS

pytestmark = pytest.mark.surface("rest")


def _kinds(row, profile):
    """(active kind, documented kind) of a row; a kind that depends on an uncovered profile value
    skips the row."""
    if row.data.kind_if is not None:
        key, by_value = row.data.kind_if
        value = profile[key]
        if value is None:
            pytest.skip(f"profile {profile.name} does not cover {key}")
        return by_value[value], None
    return row.data.kind, row.data.doc


@pytest.mark.parametrize("row", params(BODY_ROWS))
def test_raw_body(row, runner, profile, users, rest, record):
    kind, doc = _kinds(row, profile)
    expected = runner.expectations(Channel.REST, kind, doc)
    REDACTOR.add(PASSWORD)  # a raw body is recorded as text: no "password" key to redact it by
    content, name = row.make(profile, users)
    outcome = runner.attempt(
        Channel.REST,
        name,
        PASSWORD,
        expected=expected,
        send=lambda: rest.request(f"{USERS}/create", content=content, headers=row.data.headers),
    )
    verdict = outcome.verdict
    if outcome.reply.status >= 500:  # USER-CREATE-UNKNOWN-FIELDS: never a server error
        verdict = combine(verdict, failed(f"server error HTTP {outcome.reply.status}"))
    runner.end(verdict, expected[0], outcome.reply)
