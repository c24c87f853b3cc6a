"""The fault model: what a fault is (`Fault`) and the REST traffic it transforms (`Req`, `Resp`).
No proxy, no catalogue here: both import this module, it imports neither."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Callable

USERS = "/v2/vectordb/users/"
CREATE = USERS + "create"
DROP = USERS + "drop"
JSON_CT = "application/json; charset=utf-8"
NOT_JSON = object()
LAYERS = ("http", "grpc", "client")  # where a fault is injected: REST proxy, gRPC proxy, pymilvus


def _dump(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def _load(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return NOT_JSON


@dataclass
class Req:
    method: str
    target: str  # raw request-target: path and query, undecoded
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def with_header(self, name: str, value: str | None) -> "Req":
        """A copy with `name` replaced (or removed when value is None)."""
        kept = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        return replace(self, headers=kept + ([(name, value)] if value is not None else []))

    def json(self) -> Any:
        return _load(self.body)

    def with_json(self, obj: Any) -> "Req":
        return replace(self, body=_dump(obj))


@dataclass
class Resp:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def of_json(cls, status: int, obj: Any) -> "Resp":
        return cls(status, [("Content-Type", JSON_CT)], _dump(obj))

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "content-type"), "")

    def json(self) -> Any:
        return _load(self.body)

    @property
    def code(self) -> Any:
        body = self.json()
        return body.get("code") if isinstance(body, dict) else None

    def with_json(self, obj: Any, status: int | None = None) -> "Resp":
        """A copy with a JSON body (headers kept, so a changed Content-Type survives)."""
        return replace(self, body=_dump(obj), status=self.status if status is None else status)

    def with_header(self, name: str, value: str) -> "Resp":
        kept = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        return replace(self, headers=kept + [(name, value)])


@dataclass(frozen=True)
class Fault:
    """One small, named defect a target could have, and the ONE requirement it violates.

    Hooks by layer (at most the ones a fault needs):
      http:   request_transform(req, ctx) -> Req | Resp;  response_transform(req, resp, ctx) -> Resp;
              around(req, ctx, send) -> Resp  (send(req) forwards; for faults that need both sides)
      grpc:   request_transform(method, msg, ctx) -> msg;  response_transform(method, msg, out, ctx) -> out;
              around(method, msg, ctx, send) -> out;  metadata_transform(metadata, ctx) -> metadata
      client: patch(monkeypatch)  (pymilvus patched inside the suite's own process)
    """

    name: str
    requirement: str
    description: str
    layer: str = "http"
    request_transform: Callable | None = None
    response_transform: Callable | None = None
    around: Callable | None = None
    metadata_transform: Callable | None = None
    patch: Callable | None = None
    applies: Callable | None = None  # profile -> bool; None: every profile
    needs_fill: bool = False  # only killable by the user-cap case (--fill-server)
    suite_args: tuple[str, ...] = ()  # extra suite options the kill run needs
    also_violates: tuple[str, ...] = ()  # requirements it cannot help breaking too (said why)

    def __post_init__(self):
        if self.layer not in LAYERS:
            raise ValueError(f"{self.name}: unknown layer {self.layer!r}")

    @property
    def surface(self) -> str:
        """The surface the fault shows on: "rest" or "sdk"."""
        return "rest" if self.layer == "http" else "sdk"

    @property
    def hooks(self) -> tuple[Callable, ...]:
        return tuple(
            h
            for h in (self.request_transform, self.response_transform, self.around, self.metadata_transform, self.patch)
            if h is not None
        )

    def applies_to(self, profile) -> bool:
        return self.applies is None or profile is None or bool(self.applies(profile))


class FaultContext:
    """What both proxies give a transformation besides the traffic: the admin's credentials (for
    bypass faults), the active profile's values, and a lock and a dict for a fault's own state
    across requests (one per proxy, so two proxies never share it)."""

    def __init__(self, admin_token: str | None, profile):
        self.admin_token = admin_token
        self.profile = profile
        self.lock = threading.Lock()
        self.state: dict[str, Any] = {}

    def limit(self, key: str, default=None):
        value = self.profile[key] if self.profile is not None else None
        return default if value is None else value

    def send_tracking_overlap(self, name: str, send: Callable[[], Any]) -> tuple[Any, bool]:
        """send(), and whether another call for `name` was in flight at any time meanwhile."""
        me = {"overlapped": False}
        with self.lock:
            running = self.state.setdefault("in_flight", {}).setdefault(name, [])
            for other in running:
                other["overlapped"] = me["overlapped"] = True
            running.append(me)
        try:
            return send(), me["overlapped"]
        finally:
            with self.lock:
                running.remove(me)
