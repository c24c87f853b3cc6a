"""Newer pymilvus behaviour handled, not crashed on (CF section 7): `PyMilvusDeprecationWarning` from
`utility.create_user` is recorded with the call, never a failure; a `MilvusException` whose `.code`
is not an int (retries ran out) is judged and reported as what it is."""

import json
import secrets

import grpc
import pytest
from pymilvus import MilvusException

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.sdk_checks import check_code
from milvus_conformance.clients.sdk import SdkClient, SdkReply, _is_deadline, _is_unreachable, error_code


class _RpcError(grpc.RpcError):
    def __init__(self, status):
        self._status = status

    def code(self):
        return self._status


@pytest.mark.parametrize(
    "code,plain",
    [
        (1100, 1100),
        (grpc.StatusCode.DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED"),  # pymilvus 3.0.1
        (_RpcError(grpc.StatusCode.PERMISSION_DENIED).code, "PERMISSION_DENIED"),  # 2.5.18: a bound method
        (object(), None),
    ],
)
def test_error_code_is_plain_data(code, plain):
    got = error_code(MilvusException(code=code, message="m"))
    if plain is None:
        assert isinstance(got, str) and got.startswith("<object")
    else:
        assert got == plain
    json.dumps(got)  # goes into results.json as it is


def test_a_non_int_code_is_judged_not_crashed():
    reply = SdkReply(None, MilvusException(code=grpc.StatusCode.PERMISSION_DENIED, message="m"), None)
    exp = Expectation("permission_denied", "sdk", {"exception": "MilvusException", "code": 65535})
    assert check_code(exp, reply).text == "code 'PERMISSION_DENIED' (not an integer code), expected 65535"
    nonzero = Expectation("duplicate", "sdk", {"exception": "MilvusException", "code": "nonzero"})
    assert "not an integer code" in check_code(nonzero, reply).text


def test_status_codes_after_retries_are_harness_conditions():
    """UNAVAILABLE / DEADLINE_EXCEEDED inside a MilvusException mean the target is gone or slow:
    the harness's business, never a verdict."""
    assert _is_unreachable(MilvusException(code=grpc.StatusCode.UNAVAILABLE, message="m"))
    assert _is_deadline(MilvusException(code=grpc.StatusCode.DEADLINE_EXCEEDED, message="m"))
    assert not _is_unreachable(MilvusException(code=65535, message="user already exists"))


def test_deprecation_warning_is_recorded_with_the_call(embedded_endpoints):
    """Real server, real pymilvus 3.0.2: `utility.create_user` warns; the call is recorded with it."""
    sdk = SdkClient(embedded_endpoints.grpc_uri, embedded_endpoints.token)
    name = f"selftest_warn_{secrets.token_hex(4)}"
    try:
        reply = sdk.call("utility.create_user", name, "abcdefgh")
        assert reply.exception is None
        assert any(w.startswith("PyMilvusDeprecationWarning: ") for w in reply.warnings)
        assert reply.exchange.response["warnings"] == list(reply.warnings)
        assert not sdk.call("client.list_users").warnings
    finally:
        sdk.drop_user(name)
        sdk.close()
