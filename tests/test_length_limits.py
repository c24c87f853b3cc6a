"""Every length limit the profile knows, pinned at each end in its unit, with ASCII and multibyte
input (tests/tables/limits.py; S000 'Request Body' password and userName, CF section 4), on REST and
both SDK styles. The Runner predicts each outcome from the active and the documented profile and
checks that an accepted create is listed and a refused one created nothing."""

import pytest

from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import CHANNELS
from tests.support import PASSWORD
from tests.tables.limits import NAME_LIMIT_ROWS, PASSWORD_LIMIT_ROWS


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("row", params(NAME_LIMIT_ROWS))
def test_name_length_limit(row, channel, runner, profile, users):
    runner.create(channel, row.make(profile, users), PASSWORD, depends_on=row.depends_on)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("row", params(PASSWORD_LIMIT_ROWS))
def test_password_length_limit(row, channel, runner, profile, users):
    runner.create(channel, users.name(), row.make(profile, users), depends_on=row.depends_on)
