"""Bad configuration is a clear error before any request is sent."""

import pytest

from milvus_conformance.errors import ConfigError, ExitStatus
from milvus_conformance.harness.config import from_values


def test_no_target_means_embedded_with_its_profile():
    c = from_values({}, env={})
    assert c.embedded and c.profile == "embedded" and c.fill_server


def test_given_target_defaults_to_documented_profile():
    c = from_values({"base_url": "http://h:19530/", "token": "u:p"}, env={})
    assert not c.embedded and c.profile == "documented" and c.base_url == "http://h:19530"
    assert not c.fill_server, "filling a given server to its cap is opt-in"


def test_environment_variables_are_read():
    c = from_values(
        {},
        env={
            "CONFORMANCE_GRPC_URI": "h:19530",
            "CONFORMANCE_TOKEN": "u:p",
            "CONFORMANCE_PROFILE": "milvus-2.5",
            "CONFORMANCE_READ_ONLY": "1",
        },
    )
    assert c.grpc_uri == "http://h:19530" and c.profile == "milvus-2.5" and c.read_only


@pytest.mark.parametrize(
    "values,match",
    [
        ({"base_url": "ftp://h", "token": "u:p"}, "malformed --base-url"),
        ({"base_url": "http://", "token": "u:p"}, "malformed --base-url"),
        ({"base_url": "http://u:p@h:1", "token": "u:p"}, "must not carry credentials"),
        ({"grpc_uri": "h", "token": "u:p"}, "needs a port"),
        ({"base_url": "http://h:1"}, "needs a token"),
        ({"profile": "nope"}, "unknown profile"),
        ({"tier": "weekly"}, "unknown tier"),
        ({"max_users": "500"}, "--max-users"),
        ({"max_users": "many"}, "--max-users"),
        ({"max_users": "1"}, "--max-users must be at least 2"),  # issue 26: refused up front
    ],
)
def test_bad_configuration(values, match):
    with pytest.raises(ConfigError, match=match) as info:
        from_values(values, env={})
    assert info.value.exit_status == ExitStatus.CONFIGURATION
    assert "\n" not in str(info.value), "one line"


def test_fuzz_options_are_validated_numbers():
    c = from_values({"fuzz_examples": "1500", "fuzz_seed": "42"}, env={"CONFORMANCE_FUZZ_SCENARIOS": "9"})
    assert c.fuzz == {"fuzz_examples": 1500, "fuzz_scenarios": 9, "fuzz_seed": 42}
    with pytest.raises(ConfigError, match="--fuzz-examples"):
        from_values({"fuzz_examples": "lots"}, env={})
