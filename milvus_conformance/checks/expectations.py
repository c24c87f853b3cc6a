"""What a profile expects of one outcome kind on one surface, with the sources it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from milvus_conformance.contract.error_statuses import derive
from milvus_conformance.contract.profiles import Profile
from milvus_conformance.results.surfaces import Surface


@dataclass
class Expectation:
    kind: str  # outcome kind ("ok", "invalid_value", ...)
    surface: Surface  # REST or SDK
    spec: dict[str, Any] | None  # None: the profile does not cover it
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.surface = Surface(self.surface)

    @property
    def covered(self) -> bool:
        return self.spec is not None

    def describe(self) -> str:
        if self.spec is None:
            return f"{self.kind} (not covered)"
        details = ", ".join(f"{k}={v}" for k, v in self.spec.items() if v is not None)
        return f"{self.kind} ({details})" if details else self.kind


def expect(profile: Profile, kind: str, surface: Surface, sources: list[str] | None = None) -> Expectation:
    surface, sources = Surface(surface), list(sources or [])
    if kind == "ok":
        if surface is Surface.REST:
            code, status = profile.get("rest.success_code"), profile.get("rest.success_status")
            if not code.covered:  # e.g. 200 or 0 by patch release, and the version is unknown
                return Expectation(kind, surface, None, [*sources, code.cite()])
            spec = {"status": status.value, "code": code.value, "content_type": "json"}
        else:
            spec = {"exception": None, "returns": None}
        return Expectation(kind, surface, spec, sources)
    value = profile.get(f"{surface}.outcome.{kind}")
    sources.append(value.cite())
    spec = dict(value.value) if value.value is not None else None
    if surface is Surface.REST:  # one switch may derive the statuses (contract/error_statuses.py)
        spec, derived_from = derive(profile, kind, spec)
        sources += [derived_from] if derived_from else []
    return Expectation(kind, surface, spec, sources)
