"""Whether several results files can be put side by side (matrix) or compared (compare), as the fan-in
job of a CI matrix does with its jobs' artifacts.

- Another results schema cannot be read at all: refused, naming the file and both schemas.
- Another suite version, spec version or requirement catalogue can be read, but a difference
  between the columns may then come from the suite, not the targets: a warning naming each file's
  version (with --strict: refused).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from milvus_conformance.results.model import RunResult

SCHEMA = "milvus-conformance/results/v1"


@dataclass
class Mergeability:
    warnings: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        """A block to put above a matrix or comparison (empty when the runs merge cleanly)."""
        if not self.warnings:
            return ""
        return "".join(f"> **Not like for like:** {w}\n" for w in self.warnings) + "\n"


def schema_problem(path: str) -> str:
    """'' unless the file declares a results schema other than the one this suite reads."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return ""          # read_results says what is wrong with it
    schema = data.get("schema") if isinstance(data, dict) else None
    if isinstance(schema, str) and schema != SCHEMA:
        return (f"{path}: results schema {schema!r}; this suite reads {SCHEMA!r}: render it with the "
                f"suite version that wrote it, or run both with one suite version")
    return ""


def _differs(what: str, values: dict[str, str]) -> str:
    if len(set(values.values())) <= 1:
        return ""
    shown = ", ".join(f"{name}: {value or 'unknown'}" for name, value in values.items())
    return f"the runs used different {what} ({shown}); differences may come from the suite, not the targets"


def check(runs: list[RunResult], names: list[str]) -> Mergeability:
    def catalogue(run: RunResult) -> str:
        ids = sorted(f"{r.id}:{r.level}:{r.statement}" for r in run.requirements)
        digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:12]
        return f"{len(ids)} requirements, sha256 {digest}"

    warnings = [
        _differs("suite versions", {n: r.tool_version for n, r in zip(names, runs)}),
        _differs("spec versions", {n: r.spec_version for n, r in zip(names, runs)}),
        _differs("requirement catalogues", {n: catalogue(r) for n, r in zip(names, runs)}),
    ]
    return Mergeability([w for w in warnings if w])
