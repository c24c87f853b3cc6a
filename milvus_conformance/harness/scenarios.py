"""Scenario tables are data: named rows, each citing its requirement IDs, turned into pytest params.
A row's builder derives its input from the active profile; `NotCovered` skips it with the reason."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pytest


class NotCovered(Exception):
    """The active profile has no value this row needs (e.g. no maximum name length)."""


@dataclass(frozen=True)
class Row:
    name: str
    requirements: tuple[str, ...]
    build: Callable[..., Any] | None = None     # (profile, users) -> input
    data: dict = field(default_factory=dict)    # anything else the case reads
    exact: bool = False                         # the input is a name without the run prefix
    depends_on: tuple[str, ...] = ()            # profile keys the input is built from

    def make(self, *args) -> Any:
        try:
            return self.build(*args)
        except NotCovered as exc:
            pytest.skip(f"not covered by the active profile: {exc}")


def params(table: list[Row]) -> list:
    names = [r.name for r in table]
    if len(names) != len(set(names)):
        raise ValueError(f"duplicate row names in a table: {names}")
    return [pytest.param(r, id=r.name, marks=pytest.mark.requirement(*r.requirements)) for r in table]


def need(profile, key: str):
    value = profile[key]
    if value is None:
        raise NotCovered(f"{profile.name} does not define {key}")
    return value
