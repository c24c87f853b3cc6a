"""The Request-Timeout header of a create (S000 'Header parameters'; CF section 3): an integer number
of seconds is honoured; an unparsable value and 0 give the profile's outcome kinds. A refused create
(e.g. `timeout`) must have created nothing: the runner's state check looks."""

import pytest

from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import Channel
from tests.support import PASSWORD
from tests.tables.request_timeouts import REQUEST_TIMEOUT_ROWS

pytestmark = pytest.mark.surface("rest")
SHARED = "rest.request_timeout.shared"


@pytest.mark.parametrize("row", params(REQUEST_TIMEOUT_ROWS))
def test_request_timeout(row, runner, profile, documented_profile, users):
    shared = profile.get(SHARED)
    if shared.value is not False:  # it would change the timeout of other clients' requests
        pytest.skip(f"Request-Timeout is not sent to this target: {shared.cite()}")
    key = row.data.key
    if key is None:
        kind, doc = "ok", "ok"
    else:
        kind, doc = profile[key], documented_profile[key]
        if kind is None:
            pytest.skip(f"profile {profile.name} does not cover {key}")
    expected = runner.expectations(Channel.REST, kind, doc)
    runner.create(Channel.REST, users.name(), PASSWORD, expected=expected, headers={"Request-Timeout": row.data.value})
