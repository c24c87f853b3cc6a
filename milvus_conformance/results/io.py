"""Reading and writing results.json, the one persisted form of a `RunResult`.

Reading validates against specs/results.schema.json first, so every report and the compare/matrix
commands can trust the data, and a bad file becomes one clear line instead of a traceback.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from milvus_conformance.results.model import RunResult

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "specs" / "results.schema.json"
_MAX_DETAIL = 200  # keep the error on one readable line even when jsonschema quotes a big value


class ResultsFileError(ValueError):
    """A results file that cannot be used: missing, not JSON, schema-invalid or inconsistent."""


def write_results(run: RunResult, path: str | os.PathLike[str]) -> Path:
    """Write `run.to_dict()` as UTF-8 JSON; atomic so a crashed run never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(run.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".json", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as every other report (mkstemp makes it 0600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_results(path: str | os.PathLike[str]) -> RunResult:
    """Load, validate and rebuild a RunResult; any problem raises ResultsFileError (one line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsFileError(f"{path}: results file not found") from None
    except IsADirectoryError:
        raise ResultsFileError(f"{path}: is a directory, not a results file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsFileError(f"{path}: cannot read results file: {_one_line(exc)}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsFileError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    problem = validation_problem(data)
    if problem:
        raise ResultsFileError(f"{path}: not a valid results file: {problem}")
    try:
        run = RunResult.from_dict(data)
    except (TypeError, KeyError, ValueError) as exc:  # schema and model disagree: still one line
        raise ResultsFileError(f"{path}: cannot load results: {_one_line(exc)}") from None
    problem = consistency_problem(data, run)
    if problem:
        raise ResultsFileError(f"{path}: inconsistent results file: {problem}")
    return run


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    try:
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ResultsFileError(f"{SCHEMA_PATH}: results schema unavailable: {_one_line(exc)}") from None


def validation_problem(data: Any) -> str:
    """'' if `data` matches the schema, else the most relevant error as '<json path>: <message>'."""
    validator = jsonschema.Draft202012Validator(load_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return ""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"at ${where}: {_one_line(error.message)}"


def consistency_problem(data: dict[str, Any], run: RunResult) -> str:
    """Stored roll-ups must match the cases: a hand-edited 'overall' must not fool a CI gate."""
    seen: set[str] = set()
    for case in run.cases:
        if case.case_id in seen:
            return f"duplicate case_id {case.case_id!r}"
        seen.add(case.case_id)
    fresh = run.to_dict()
    for key in ("overall", "counts", "rollups"):
        if data[key] != fresh[key]:
            return f"stored {key!r} {_short(data[key])} does not match the cases ({_short(fresh[key])})"
    for stored, derived in zip(data["requirements"], fresh["requirements"]):
        if stored["status"] != derived["status"]:
            return (
                f"requirement {stored['id']!r} stored as {stored['status']!r} "
                f"but its cases roll up to {derived['status']!r}"
            )
    return ""


def _short(value: Any) -> str:
    return _one_line(json.dumps(value, sort_keys=True))


def _one_line(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"
