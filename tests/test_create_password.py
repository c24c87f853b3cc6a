"""password rules (S000/S001 'password'; CF section 4), on REST and both SDK styles."""
import pytest

from milvus_conformance.harness.runner import SURFACES
from milvus_conformance.harness.scenarios import params
from tests.tables.passwords import PASSWORD_ROWS


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("row", params(PASSWORD_ROWS))
def test_password(row, surface, runner, profile, users):
    runner.create(surface, users.name(), row.make(profile, users))
