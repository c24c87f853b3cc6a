"""Journals of earlier runs against a target that implements no create (issue 21): their write-ahead
entries are for creates the server never executed. They are closed quietly (never reported as
leftovers): nothing can be listed or dropped there, and nothing was created."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from milvus_conformance.harness.capabilities import OPERATIONS
from milvus_conformance.harness.sweep import _pid_alive, read_journal


def creates_nowhere(missing: dict[str, dict[str, str]], surfaces: list[str]) -> bool:
    return bool(surfaces) and all("users/create" in missing.get(s, {}) for s in surfaces)


def close_current(state_dir: Path, run_id: str) -> bool:
    """At the end of a run whose admin surface lacks list or drop (so no case created anything):
    its journal holds nothing to sweep; it is closed. False if it holds a name after all."""
    run_dir = Path(state_dir) / "runs" / run_id
    if read_journal(run_dir).last if run_dir.is_dir() else False:
        return False
    shutil.rmtree(run_dir, ignore_errors=True)
    return True


def close_never_created(state_dir: Path, target: str, missing: dict[str, dict[str, str]]) -> list[str]:
    """Closes the journals of dead runs against `target` that confirmed no create, when `target`
    implements users/create on none of its surfaces. Returns the names closed (absent)."""
    surfaces = [s for s in ("rest", "sdk") if missing.get(s) is not None and set(missing[s]) <= set(OPERATIONS)]
    if not creates_nowhere(missing, surfaces):
        return []
    closed: list[str] = []
    runs = Path(state_dir) / "runs"
    for run_dir in sorted(p for p in runs.glob("*") if p.is_dir()):
        try:
            owner = json.loads((run_dir / "owner.json").read_text())
        except (OSError, ValueError):
            continue
        if owner.get("target") != target:
            continue
        journal = read_journal(run_dir)
        if any(_pid_alive(pid) for pid in {owner.get("pid", -1)} | journal.writers if pid > 0):
            continue
        if "created" in journal.last.values():
            continue
        closed += sorted(journal.last)
        shutil.rmtree(run_dir, ignore_errors=True)
    return closed
