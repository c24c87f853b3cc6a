"""The observable shape of one answer, as a profile writes it: REST `{status, code, content_type}`,
SDK `{exception, code}`; and which already-observed outcome kind a shape is."""

from __future__ import annotations

from typing import Any

import grpc
from pymilvus import MilvusException

# The exception names a profile can state (checks/sdk_checks.py EXCEPTION_TYPES).
SDK_EXCEPTION_NAMES = ((MilvusException, "MilvusException"), (grpc.RpcError, "grpc.RpcError"))


def rest_shape(reply) -> dict[str, Any]:
    mime = reply.content_type.split(";")[0].strip().lower()
    kind = "json" if mime == "application/json" else "text" if mime.startswith("text/") else mime or None
    code = reply.code if kind == "json" and type(reply.code) is int else None
    return {"status": reply.status, "code": code, "content_type": kind}


def sdk_shape(reply) -> dict[str, Any] | None:
    """None when the call returned; an exception the profile cannot name keeps its type's name."""
    exc = reply.exception
    if exc is None:
        return None
    for cls, name in SDK_EXCEPTION_NAMES:
        if isinstance(exc, cls):
            code = exc.code if name == "MilvusException" else None
            # pymilvus's own errors carry an IntEnum (ErrorCode); retries may leave a non-int
            code = int(code) if isinstance(code, int) and not isinstance(code, bool) else None
            return {"exception": name, "code": code}
    return {"exception": f"{type(exc).__module__}.{type(exc).__qualname__}", "code": None}


def describe(shape: dict | None) -> str:
    if shape is None:
        return "returned"
    if "exception" in shape:
        return shape["exception"] + ("" if shape["code"] is None else f" code {shape['code']}")
    code = "" if shape["code"] is None else f" code {shape['code']}"
    kind = "" if shape["content_type"] is None else f" ({shape['content_type']})"
    return f"HTTP {shape['status']}{code}{kind}"


def classify(shape: dict, known: dict[str, dict]) -> str | None:
    """The outcome kind among `known` (kind -> shape) that `shape` equals, or None."""
    return next((kind for kind, seen in known.items() if seen == shape), None)
