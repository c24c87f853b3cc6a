"""Checks of one REST answer against one expectation. One small function per check; each returns
None when satisfied, or a one-line problem."""
from __future__ import annotations

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.contract.spec import envelope_validator


def check_status(exp: Expectation, reply) -> str | None:
    want = exp.spec.get("status")
    if want is not None and reply.status != want:
        return f"HTTP status {reply.status}, expected {want}"
    return None


def check_content_type(exp: Expectation, reply) -> str | None:
    want = exp.spec.get("content_type")
    got = reply.content_type.split(";")[0].strip().lower()
    if want == "json" and got != "application/json":
        return f"Content-Type {reply.content_type!r}, expected application/json"
    if want == "text" and not got.startswith("text/"):
        return f"Content-Type {reply.content_type!r}, expected text/plain"
    return None


def check_envelope(exp: Expectation, reply) -> str | None:
    """JSON answers must match the documented envelope: success or error (validated by jsonschema
    against the schemas in specs/openapi.yaml)."""
    if exp.spec.get("content_type") != "json":
        return None
    body = reply.json
    if body is None:
        return f"body is not JSON: {reply.text[:120]!r}"
    if exp.kind == "ok":
        if exp.spec.get("code") == 0:
            errors = list(envelope_validator("SuccessEnvelope").iter_errors(body))
        else:  # a profile with another success code (Milvus 2.4.0-2.4.2 used 200)
            errors = [] if isinstance(body, dict) and isinstance(body.get("data"), (dict, list)) \
                else ["no data object"]
        if errors:
            return f"not a success envelope: {_first(errors)}; body {reply.text[:160]!r}"
        return None
    errors = list(envelope_validator("ErrorEnvelope").iter_errors(body))
    return f"not an error envelope: {_first(errors)}; body {reply.text[:160]!r}" if errors else None


def check_code(exp: Expectation, reply) -> str | None:
    want = exp.spec.get("code")
    if want is None or exp.spec.get("content_type") != "json":
        return None
    got = reply.code
    if want == "nonzero":
        if not isinstance(got, int) or isinstance(got, bool) or got == 0:
            return f"code {got!r}, expected a non-zero integer"
        return None
    if type(got) is not int or got != want:
        return f"code {got!r}, expected {want}"
    return None


def _first(errors) -> str:
    e = errors[0]
    where = "/".join(str(p) for p in e.absolute_path) or "body"
    return f"{where}: {e.message}"


# The requirement a failing check breaks beyond the case's own (for users/create answers).
check_content_type.requirement = lambda exp: "USER-CREATE-CONTENT-TYPE"
check_envelope.requirement = lambda exp: ("USER-CREATE-SUCCESS-ENVELOPE" if exp.kind == "ok"
                                          else "USER-CREATE-ERROR-ENVELOPE")

REST_CHECKS = (check_status, check_content_type, check_envelope, check_code)
