"""USER-CREATE-AUTHORIZATION-ENABLED: preflight refuses to run against a target with authorization
disabled unless --allow-auth-disabled is given; then this case reports it as the failure it is."""
import pytest

from milvus_conformance.checks.verdict import Verdict
from milvus_conformance.results.model import Status


@pytest.mark.surface("both")
@pytest.mark.requirement("USER-CREATE-AUTHORIZATION-ENABLED")
def test_target_enforces_authentication(run_context, record):
    if run_context.auth_enabled:
        record.conclude(Verdict(Status.PASS, "a request with an unknown user's token was refused"))
    else:
        record.conclude(Verdict(Status.FAIL, "the target accepted a request with an unknown user's "
                                             "token: authorization is disabled"))
