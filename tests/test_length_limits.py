"""Every length limit the profile knows, pinned at each end in its unit, with ASCII and multibyte
input (tests/tables/limits.py; S000 'Request Body' password and userName, CF section 4), on REST and
both SDK styles. The Runner predicts each outcome from the active and the documented profile and
checks that an accepted create is listed and a refused one created nothing."""
import pytest

from milvus_conformance.harness.runner import SURFACES
from milvus_conformance.harness.scenarios import params
from tests.support import PASSWORD
from tests.tables.limits import NAME_LIMIT_ROWS, PASSWORD_LIMIT_ROWS


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("row", params(NAME_LIMIT_ROWS))
def test_name_length_limit(row, surface, runner, profile, users):
    runner.create(surface, row.make(profile, users), PASSWORD, depends_on=row.depends_on)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("row", params(PASSWORD_LIMIT_ROWS))
def test_password_length_limit(row, surface, runner, profile, users):
    runner.create(surface, users.name(), row.make(profile, users), depends_on=row.depends_on)
