"""password rules (S000/S001 'password'; CF section 4), on REST and both SDK styles."""

import pytest

from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import CHANNELS
from tests.tables.passwords import PASSWORD_ROWS


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("row", params(PASSWORD_ROWS))
def test_password(row, channel, runner, profile, users):
    runner.create(channel, users.name(), row.make(profile, users))
