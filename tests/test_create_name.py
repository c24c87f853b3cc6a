"""userName rules (S000/S001 'userName'/'user'; CF section 4), on REST and both SDK styles."""

import pytest

from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import CHANNELS
from tests.tables.names import NAME_ROWS

VALID_PASSWORD = "Aa1!bcdefg"  # valid under every profile: only the name can matter


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("row", params(NAME_ROWS))
def test_user_name(row, channel, runner, profile, users):
    name = row.make(profile, users)
    runner.create(channel, name, VALID_PASSWORD, exact=row.exact, depends_on=row.depends_on)
