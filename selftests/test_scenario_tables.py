"""The one contract of scenario tables (milvus_conformance/harness/scenarios.py), checked on every table
in tests/tables/: named rows with known requirement IDs written out in full, a `(profile, users)`
builder, and one frozen dataclass type of data per table."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from pathlib import Path

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.contract.requirements import load_requirements
from milvus_conformance.harness.scenarios import NotCovered, Row, need, params

TABLE_FILES = sorted((REPO_ROOT / "tests" / "tables").glob("[!_]*.py"))


def _tables(path: Path) -> dict[str, list[Row]]:
    module = importlib.import_module(f"tests.tables.{path.stem}")
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, list) and value and all(isinstance(r, Row) for r in value)
    }


@pytest.mark.parametrize("path", TABLE_FILES, ids=lambda p: p.stem)
def test_every_table_keeps_the_row_contract(path):
    tables, known = _tables(path), set(load_requirements())
    assert tables, f"{path.name} defines no table of Rows"
    for table_name, rows in tables.items():
        params(rows)  # unique names, else ValueError
        data_types = {type(r.data) for r in rows}
        assert len(data_types) == 1, f"{table_name}: one data type per table, got {data_types}"
        (data_type,) = data_types
        assert (
            data_type is type(None) or dataclasses.is_dataclass(data_type) and data_type.__dataclass_params__.frozen
        ), f"{table_name}: data must be a frozen dataclass"
        for row in rows:
            assert row.requirements and set(row.requirements) <= known, (row.name, row.requirements)
            if row.build is not None:
                assert len(inspect.signature(row.build).parameters) == 2, (
                    f"{table_name}[{row.name}]: a builder takes (profile, users)"
                )


@pytest.mark.parametrize("path", TABLE_FILES, ids=lambda p: p.stem)
def test_requirement_ids_are_written_in_full(path):
    """So that grep finds every row citing a requirement: each cited ID appears literally."""
    source = path.read_text(encoding="utf-8")
    for rows in _tables(path).values():
        for row in rows:
            for req_id in row.requirements:
                assert f'"{req_id}"' in source, f"{path.name}: {req_id} is not written out in full"
    assert not re.search(r'\+ *"[A-Z]+-[A-Z-]+"|"[A-Z]+-[A-Z-]+" *\+', source), "an ID built from parts"


def test_make_skips_a_row_the_profile_does_not_cover():
    row = Row("needs-a-limit", ("USER-CREATE-NAME-LENGTH",), lambda p, u: need(p, "limit"))

    class Profile(dict):
        name = "partial"

    with pytest.raises(pytest.skip.Exception, match="does not define limit"):
        row.make(Profile(limit=None), users=None)
    assert row.make(Profile(limit=3), users=None) == 3


def test_not_covered_is_the_only_skip():
    def broken(profile, users):
        raise KeyError("a bug in a builder is an error, not a skip")

    with pytest.raises(KeyError):
        Row("broken", ("USER-CREATE-NAME-LENGTH",), broken).make({}, None)
    assert issubclass(NotCovered, Exception)
