"""Authentication and authorization of a create (S000 'Header parameters': Authorization; CF section
3: 401/1800 for missing or wrong credentials, 403 for a user without the privilege, Basic accepted,
the token split at the first colon, authentication before routing; CF section 5: permission denied
raises grpc.RpcError in pymilvus). Skipped when the target has authorization disabled. Every refused
create is checked to have created nothing (the runner's state check)."""

import pytest

from milvus_conformance.checks.verdict import combine
from milvus_conformance.clients.rest import USERS
from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.model import Status
from milvus_conformance.results.surfaces import SDK_STYLES, Channel
from tests.support import PASSWORD, rest_authenticates, sdk_as, usable
from tests.tables.tokens import TOKEN_ROWS

pytestmark = pytest.mark.usefixtures("auth_enabled")
COLON_PASSWORD = "Aa1!b:cd:efg"  # valid under every profile; two colons
# Proposed profile key (not in profiles/ yet): whether the auth middleware runs before routing, so
# that an unknown path without credentials gets auth_failed rather than unknown_route.
AUTH_FIRST = "rest.auth_before_routing"


def _created(runner, users, channel=Channel.REST, password=PASSWORD) -> str:
    name = users.name()
    reply, ok = runner.raw_create(channel, name, password)
    assert ok, f"setup: creating {name!r} on {channel} failed"
    return name


@pytest.mark.surface("rest")
@pytest.mark.parametrize("row", params(TOKEN_ROWS))
def test_authorization_header(row, runner, profile, users):
    kw = row.make(profile, users)
    expected = runner.expectations(Channel.REST, row.data.kind, row.data.doc)
    runner.create(Channel.REST, users.name(), PASSWORD, expected=expected, **kw)


@pytest.mark.surface("rest")
@pytest.mark.requirement("USER-CREATE-AUTH-TOKEN-FORMAT")
def test_password_with_colons_authenticates(runner, users, rest, record):
    """A user whose password holds colons authenticates as `user:pa:ss` (split at the first colon);
    the part before the second colon alone is a wrong password."""
    name = _created(runner, users, password=COLON_PASSWORD)
    verdict = combine(
        rest_authenticates(runner, rest, name, COLON_PASSWORD, should=True),
        rest_authenticates(runner, rest, name, COLON_PASSWORD.split(":")[0] + ":cd", should=False),
    )
    active, _ = runner.expectations(Channel.REST, "ok", None)
    runner.end(verdict, active)


@pytest.mark.surface("rest")
@pytest.mark.requirement("USER-CREATE-PERMISSION")
def test_rest_create_without_privilege(runner, users):
    owner = _created(runner, users)
    ready = usable(runner, Channel.REST, owner, PASSWORD)
    if ready.status is not Status.PASS:
        runner.end(ready)
    expected = runner.expectations(Channel.REST, "permission_denied", "permission_denied")
    runner.create(Channel.REST, users.name(), PASSWORD, expected=expected, token=f"{owner}:{PASSWORD}")


@pytest.mark.surface("sdk")
@pytest.mark.requirement("USER-CREATE-PERMISSION", "SDK-CREATE-USER-EXCEPTION")
@pytest.mark.parametrize("style", SDK_STYLES)
def test_sdk_create_without_privilege(style, runner, users, sdk, record):
    channel = Channel.sdk(style)
    owner = _created(runner, users, channel)
    expected = runner.expectations(channel, "permission_denied", "permission_denied")
    name = users.name()
    with sdk_as(sdk, owner, PASSWORD, runner, channel) as as_owner:
        runner.create(
            channel, name, PASSWORD, expected=expected, send=lambda: as_owner.create_user(style, name, PASSWORD)
        )


def _auth_first(profile):
    value = profile[AUTH_FIRST]
    if value is None:
        pytest.skip(f"profile {profile.name} does not say whether authentication precedes routing")
    return value


@pytest.mark.surface("rest")
@pytest.mark.requirement("USER-CREATE-AUTH-REQUIRED", "USER-CREATE-UNKNOWN-ROUTE")
@pytest.mark.parametrize("path", [f"{USERS}/creat", "/v2/vectordb/no/such/route"])
def test_authentication_before_routing(path, runner, profile, users, rest, record):
    kind = "auth_failed" if _auth_first(profile) else "unknown_route"
    expected = runner.expectations(Channel.REST, kind, None)
    name = users.name()
    runner.create(
        Channel.REST,
        name,
        PASSWORD,
        expected=expected,
        send=lambda: rest.request(path, {"userName": name, "password": PASSWORD}, token=None),
    )
