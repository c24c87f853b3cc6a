"""The create route and nothing else (S000: POST /v2/vectordb/users/create; CF section 3): a wrong
method or an unknown path is refused with the profile's outcome and creates no user; a trailing slash
answers the profile's status, and the redirect itself creates nothing (redirects are not followed)."""

import pytest

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.clients.rest import USERS
from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import Channel, Surface
from tests.support import PASSWORD
from tests.tables.routes import UNKNOWN_PATH_ROWS, WRONG_METHOD_ROWS

pytestmark = pytest.mark.surface("rest")
SLASH = "rest.trailing_slash_status"


def _send(runner, users, rest, row, kind):
    expected = runner.expectations(Channel.REST, kind, kind)
    name = users.name()
    body = {"userName": name, "password": PASSWORD}
    runner.create(
        Channel.REST,
        name,
        PASSWORD,
        expected=expected,
        send=lambda: rest.request(row.data.path, body, method=row.data.method),
    )


@pytest.mark.parametrize("row", params(WRONG_METHOD_ROWS))
def test_wrong_method(row, runner, users, rest):
    _send(runner, users, rest, row, "wrong_method")


@pytest.mark.parametrize("row", params(UNKNOWN_PATH_ROWS))
def test_unknown_path(row, runner, users, rest):
    _send(runner, users, rest, row, "unknown_route")


@pytest.mark.requirement("USER-CREATE-UNKNOWN-ROUTE", "USER-CREATE-ROUTE")
def test_trailing_slash(runner, profile, documented_profile, users, rest):
    status = profile.get(SLASH)
    if status.value is None:
        pytest.skip(f"profile {profile.name} does not cover {SLASH}")
    active = Expectation(
        "trailing_slash", Surface.REST, {"status": status.value, "code": None, "content_type": None}, [status.cite()]
    )
    docs_value = documented_profile[SLASH]
    docs = (
        None
        if docs_value is None
        else Expectation("trailing_slash", Surface.REST, {"status": docs_value, "code": None, "content_type": None})
    )
    name = users.name()
    body = {"userName": name, "password": PASSWORD}
    runner.create(
        Channel.REST, name, PASSWORD, expected=(active, docs), send=lambda: rest.request(f"{USERS}/create/", body)
    )
