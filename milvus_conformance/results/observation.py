"""What the target did in one call, as data: the one observation type of a case's result
(`CaseResult.observed`), written by the runner and read by every report view.

`accepted` is decided once, when the call is observed, by the active profile's rule
(`checks.observation.accepted`: on REST the profile's success status and code, e.g. 200 in Milvus
2.4.0-2.4.2; on the SDK no exception). A view never derives it again from the code.

A parity case observes one call per channel: its `observed` is `{channel: Observation}`
(`observations()` reads either shape).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from milvus_conformance.results.surfaces import Surface

MILVUS_EXCEPTION = "pymilvus.exceptions.MilvusException"


@dataclass(frozen=True)
class Observation:
    surface: Surface  # REST or SDK
    accepted: bool | None  # by the active profile's success rule; None: not recorded
    # REST
    status: int | None = None  # HTTP status
    content_type: str = ""
    body: Any = None  # the JSON body, else the first 300 characters of the text
    # SDK
    raised: str | None = None  # the exception's qualified class name
    sdk_code: Any = None  # the exception's code (MilvusException.code, a gRPC status)
    returned: str | None = None  # repr of what the call returned (no exception)

    @property
    def code(self) -> Any:
        """The code the target answered with: the REST body's `code`, the SDK exception's code."""
        if self.surface is Surface.REST:
            return self.body.get("code") if isinstance(self.body, dict) else None
        return self.sdk_code

    def outcome(self) -> str:
        """In a few words: `ok`, `refused (1100)`, `HTTP 404`, `grpc.RpcError (DEADLINE_EXCEEDED)`."""
        if self.surface is Surface.REST:
            code = self.code
            if self.accepted:
                return "ok"
            if self.status == 200 and code is not None:
                return f"refused ({code})"
            return f"HTTP {self.status}" + (f" ({code})" if code is not None else "")
        if not self.raised:
            return "ok"
        if self.raised == MILVUS_EXCEPTION:
            return f"refused ({self.sdk_code})"
        short = self.raised.rsplit(".", 1)[-1].lstrip("_")
        if self.raised.startswith("grpc."):
            short = "grpc.RpcError"  # grpc's private class names say nothing more
        return f"{short} ({self.sdk_code})" if self.sdk_code is not None else short

    def to_dict(self) -> dict[str, Any]:
        """The stored shape (results.json): REST `{status, content_type, body, accepted}`, SDK
        `{raised, code, returned, accepted}`."""
        if self.surface is Surface.REST:
            return {
                "status": self.status,
                "content_type": self.content_type,
                "body": self.body,
                "accepted": self.accepted,
            }
        return {"raised": self.raised, "code": self.sdk_code, "returned": self.returned, "accepted": self.accepted}

    @classmethod
    def from_dict(cls, d: Any) -> "Observation | None":
        """The observation stored by `to_dict`; None for anything else. Results written before
        `accepted` was stored: REST counts HTTP 200 with code 0 as accepted, the SDK no exception."""
        if not isinstance(d, dict):
            return None
        if "status" in d:
            body = d.get("body")
            accepted = d.get("accepted")
            if accepted is None:
                accepted = d.get("status") == 200 and isinstance(body, dict) and body.get("code") == 0
            return cls(
                Surface.REST, accepted, status=d.get("status"), content_type=d.get("content_type") or "", body=body
            )
        if "raised" in d or "returned" in d:
            accepted = d.get("accepted")
            return cls(
                Surface.SDK,
                not d.get("raised") if accepted is None else accepted,
                raised=d.get("raised"),
                sdk_code=d.get("code"),
                returned=d.get("returned"),
            )
        return None


def observations(observed: Any) -> dict[str, Observation]:
    """A case's observations by side: `{"": obs}` for a one-call case, `{channel: obs}` for a parity
    case; `{}` when the case recorded no call (e.g. a generated-case test's counts)."""
    one = Observation.from_dict(observed)
    if one is not None:
        return {"": one}
    if not isinstance(observed, dict):
        return {}
    found = {side: Observation.from_dict(value) for side, value in observed.items()}
    return {side: obs for side, obs in found.items() if obs is not None}
