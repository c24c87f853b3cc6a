"""Scenario tables are data: named rows, each citing its requirement IDs, turned into pytest params.

The one contract of a row (every table in tests/tables/ follows it):

- `name`: the pytest ID of the row, unique in its table;
- `requirements`: the requirement IDs (specs/requirements.yaml) the row checks, written out in full;
- `build`: a `Builder` - `(profile, users) -> input`, called by the case through `row.make(profile,
  users)`: the active `Profile` and the case's `UserScope` (fresh names, exact names, the suite's
  admin credentials). What the input is (a name, a password, a (name, password) pair, a raw body...)
  is the table's choice and said in its docstring. A builder that needs a profile value the profile
  leaves open raises `NotCovered` (through `need`): the row is skipped with the reason;
- `data`: a frozen dataclass the table defines, one type per table (its fields documented there):
  everything else the case reads. None for a table whose rows need nothing else;
- `exact`: the input is a name without the run prefix (the ledger claims it first);
- `depends_on`: profile keys the input was built from; where the docs leave one of them open, the
  docs make no prediction for the row (no deviation is possible).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Generic, TypeVar

import pytest

if TYPE_CHECKING:  # types only: the fixtures module imports the harness, not the other way round
    from milvus_conformance.contract.profiles import Profile
    from milvus_conformance.harness.fixtures import UserScope

Input = TypeVar("Input")
Data = TypeVar("Data")
Builder = Callable[["Profile", "UserScope"], Input]


class NotCovered(Exception):
    """The active profile has no value this row needs (e.g. no maximum name length)."""


@dataclass(frozen=True)
class Row(Generic[Input, Data]):
    name: str
    requirements: tuple[str, ...]
    build: Builder | None = None
    data: Data | None = None
    exact: bool = False
    depends_on: tuple[str, ...] = ()

    def make(self, profile: "Profile", users: "UserScope") -> Input:
        """The row's input under the active profile; skips the case when the profile does not cover
        it."""
        try:
            return self.build(profile, users)
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
