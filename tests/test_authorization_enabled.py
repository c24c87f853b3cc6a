"""USER-CREATE-AUTHORIZATION-ENABLED: preflight refuses to run against a target with authorization
disabled unless --allow-auth-disabled is given; then this case reports it as the failure it is."""

import pytest

from milvus_conformance.checks.verdict import failed, passed
from milvus_conformance.harness.runner import end_case


@pytest.mark.surface("both")
@pytest.mark.requirement("USER-CREATE-AUTHORIZATION-ENABLED")
def test_target_enforces_authentication(run_context, record):
    if run_context.auth_enabled:
        end_case(record, passed("a request with an unknown user's token was refused"))
    else:
        end_case(
            record, failed("the target accepted a request with an unknown user's token: authorization is disabled")
        )
