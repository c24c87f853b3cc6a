"""Checks of one REST answer against one expectation. One small function per check; each returns
None when satisfied, or a `Problem`: a line and the requirement it breaks beyond the case's own."""

from __future__ import annotations

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.problem import Problem
from milvus_conformance.contract.spec import envelope_validator

# The requirements a failing check breaks beyond the case's own (for users/create answers).
CONTENT_TYPE = "USER-CREATE-CONTENT-TYPE"
SUCCESS_ENVELOPE = "USER-CREATE-SUCCESS-ENVELOPE"
ERROR_ENVELOPE = "USER-CREATE-ERROR-ENVELOPE"


def check_status(exp: Expectation, reply) -> Problem | None:
    want = exp.spec.get("status")
    if want is not None and reply.status != want:
        return Problem(f"HTTP status {reply.status}, expected {want}")
    return None


def check_content_type(exp: Expectation, reply) -> Problem | None:
    want = exp.spec.get("content_type")
    got = reply.content_type.split(";")[0].strip().lower()
    if want == "json" and got != "application/json":
        return Problem(f"Content-Type {reply.content_type!r}, expected application/json", CONTENT_TYPE)
    if want == "text" and not got.startswith("text/"):
        return Problem(f"Content-Type {reply.content_type!r}, expected text/plain", CONTENT_TYPE)
    return None


def check_envelope(exp: Expectation, reply) -> Problem | None:
    """JSON answers must match the documented envelope: success or error (validated by jsonschema
    against the schemas in specs/openapi.yaml)."""
    if exp.spec.get("content_type") != "json":
        return None
    body = reply.json
    if body is None:
        return Problem(f"body is not JSON: {reply.text[:120]!r}", _envelope(exp))
    if exp.kind == "ok":
        if exp.spec.get("code") == 0:
            errors = list(envelope_validator("SuccessEnvelope").iter_errors(body))
        else:  # a profile with another success code (Milvus 2.4.0-2.4.2 used 200)
            errors = [] if isinstance(body, dict) and isinstance(body.get("data"), (dict, list)) else ["no data object"]
        if not errors:
            return None
        # a well-formed refusal where success was expected: the outcome is wrong, not the envelope
        refusal = not any(envelope_validator("ErrorEnvelope").iter_errors(body))
        return Problem(
            f"not a success envelope: {_first(errors)}; body {reply.text[:160]!r}",
            None if refusal else SUCCESS_ENVELOPE,
        )
    errors = list(envelope_validator("ErrorEnvelope").iter_errors(body))
    if errors:
        return Problem(f"not an error envelope: {_first(errors)}; body {reply.text[:160]!r}", ERROR_ENVELOPE)
    return None


def check_code(exp: Expectation, reply) -> Problem | None:
    want = exp.spec.get("code")
    if want is None or exp.spec.get("content_type") != "json":
        return None
    got = reply.code
    if want == "nonzero":
        if not isinstance(got, int) or isinstance(got, bool) or got == 0:
            return Problem(f"code {got!r}, expected a non-zero integer")
        return None
    if type(got) is not int or got != want:
        return Problem(f"code {got!r}, expected {want}")
    return None


def _first(errors) -> str:
    e = errors[0]
    where = "/".join(str(p) for p in e.absolute_path) or "body"
    return f"{where}: {e.message}"


def _envelope(exp: Expectation) -> str:
    return SUCCESS_ENVELOPE if exp.kind == "ok" else ERROR_ENVELOPE


REST_CHECKS = (check_status, check_content_type, check_envelope, check_code)
