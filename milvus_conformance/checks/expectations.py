"""What a profile expects of one outcome kind on one surface, with the sources it rests on."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from milvus_conformance.contract.profiles import Profile


@dataclass
class Expectation:
    kind: str                               # outcome kind ("ok", "invalid_value", ...)
    surface: str                            # "rest" | "sdk"
    spec: dict[str, Any] | None             # None: the profile does not cover it
    sources: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.spec is not None

    def describe(self) -> str:
        if self.spec is None:
            return f"{self.kind} (not covered)"
        details = ", ".join(f"{k}={v}" for k, v in self.spec.items() if v is not None)
        return f"{self.kind} ({details})" if details else self.kind


def expect(profile: Profile, kind: str, surface: str, sources: list[str] | None = None) -> Expectation:
    sources = list(sources or [])
    if kind == "ok":
        if surface == "rest":
            code, status = profile.get("rest.success_code"), profile.get("rest.success_status")
            if not code.covered:     # what a success looks like is unknown: nothing to expect
                return Expectation(kind, surface, None, [*sources, code.cite()])
            spec = {"status": status.value, "code": code.value, "content_type": "json"}
        else:
            spec = {"exception": None, "returns": None}
        return Expectation(kind, surface, spec, sources)
    value = profile.get(f"{surface}.outcome.{kind}")
    sources.append(value.cite())
    return Expectation(kind, surface, dict(value.value) if value.value is not None else None, sources)
