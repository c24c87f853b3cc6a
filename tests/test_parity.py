"""REST and the SDK alike (S000 and S001 document the same rules): the same input is accepted on both
surfaces or refused on both, and where both refuse with a code, with the same code (REST body code,
MilvusException.code). A difference the active profile predicts (from each surface's expectation)
is a known deviation; any other difference fails (checks/parity.py). Both exchanges of every row are
recorded."""

import pytest

from milvus_conformance.checks.parity import SurfaceOutcome, judge_parity
from milvus_conformance.harness.runner import expectation_data
from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import Channel
from tests.support import PASSWORD
from tests.tables.parity import PARITY_ROWS

pytestmark = pytest.mark.surface("both")
SIDES = (Channel.REST, Channel.SDK_UTILITY)


@pytest.mark.parametrize("row", params(PARITY_ROWS))
def test_same_outcome_on_rest_and_sdk(row, runner, profile, users, record):
    seen, expectations, replies = [], {}, {}
    for channel in SIDES:
        name, password = row.make(profile, users)
        if row.data.existing:
            _, ok = runner.raw_create(channel, name, PASSWORD)
            assert ok, f"setup: creating {name!r} on {channel} failed"
            expected = runner.expectations(channel, "duplicate", "duplicate")
        else:
            expected = runner.predicted(channel, name, password, row.depends_on)
        outcome = runner.attempt(channel, name, password, expected=expected, check_state=not row.data.existing)
        seen.append(SurfaceOutcome.seen(outcome.succeeded, outcome.reply.code))
        expectations[channel], replies[channel] = expected[0], outcome.reply
    verdict = judge_parity(tuple(seen), tuple(expectations.values()))
    runner.end(
        verdict,
        expected={c: expectation_data(e) for c, e in expectations.items()},
        observed={c: runner.observe(r) for c, r in replies.items()},
    )
