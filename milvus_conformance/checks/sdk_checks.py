"""Checks of one SDK call against one expectation. One small function per check; each returns None
when satisfied, or a `Problem` (an SDK check breaks no requirement beyond the case's own)."""

from __future__ import annotations

import grpc
from pymilvus import MilvusException

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.problem import Problem

EXCEPTION_TYPES = {"MilvusException": MilvusException, "grpc.RpcError": grpc.RpcError}


def check_outcome(exp: Expectation, reply) -> Problem | None:
    """Success returns (None); refusal raises the profile's exception type."""
    if exp.kind == "ok":
        if reply.exception is not None:
            return Problem(f"raised {reply.raised} (code {reply.code}), expected success")
        if reply.returned is not None:
            return Problem(f"returned {reply.returned!r}, expected None")
        return None
    if reply.exception is None:
        return Problem(f"returned {reply.returned!r}, expected an error ({exp.kind})")
    want = EXCEPTION_TYPES[exp.spec["exception"]]
    if not isinstance(reply.exception, want):
        return Problem(f"raised {reply.raised}, expected {exp.spec['exception']}")
    return None


def check_code(exp: Expectation, reply) -> Problem | None:
    want = exp.spec.get("code")
    if exp.kind == "ok" or want is None or reply.exception is None:
        return None
    got = reply.code
    kind = "" if isinstance(got, int) else " (not an integer code)"
    if want == "nonzero":
        return None if isinstance(got, int) and got != 0 else Problem(f"code {got!r}{kind}, expected non-zero")
    return None if got == want else Problem(f"code {got!r}{kind}, expected {want}")


SDK_CHECKS = (check_outcome, check_code)
