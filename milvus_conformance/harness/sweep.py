"""Sweeping what earlier runs left: read a run's journal (write-ahead, harness/ledger.py `Journal`)
and drop its leftovers from the target, only the names that run created (prefixed names, or exact
names journaled as created), never anybody else's users or a protected admin."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from milvus_conformance.harness.ledger import AdminOps, Journal, run_prefix


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


@dataclass
class JournalState:
    """A run's journal, read once: the last state of each name, whether it is an exact name, and
    every process that created users (the controller and each xdist worker; not a later sweep)."""

    prefix: str
    last: dict[str, str] = field(default_factory=dict)
    exact: dict[str, bool] = field(default_factory=dict)
    writers: set[int] = field(default_factory=set)

    @property
    def leftovers(self) -> set[str]:
        """Prefixed names the run intended (the prefix is unique to it), exact names it created."""
        return {
            n
            for n, last in self.last.items()
            if last != "dropped" and (last == "created" or (self.prefix in n and not self.exact[n]))
        }

    @property
    def unconfirmed_exact(self) -> set[str]:
        """Exact names the run meant to create, never confirmed: never dropped, only reported."""
        return {n for n, last in self.last.items() if self.exact[n] and last == "intent"}


def read_journal(run_dir: Path) -> JournalState:
    state = JournalState(run_prefix(run_dir.name))
    for path in sorted(run_dir.glob("users-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                e = json.loads(line)
                name, event = e["name"], e["event"]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut by kill -9
            if isinstance(e.get("pid"), int) and event != "dropped":
                state.writers.add(e["pid"])
            state.exact[name] = state.exact.get(name, False) or bool(e.get("exact"))
            if not (event == "intent" and state.last.get(name) == "created"):
                state.last[name] = event  # an intent after "created" (a duplicate) stays ours
    return state


def journal_leftovers(run_dir: Path) -> set[str]:
    return read_journal(run_dir).leftovers


@dataclass
class RunSweep:
    """One run's journal swept: its leftovers found on the target, and those a listing then showed
    gone; the rest are still listed although their drop answered success (they stay journaled)."""

    run_id: str
    found: list[str]
    dropped: list[str]

    @property
    def remaining(self) -> list[str]:
        return [n for n in self.found if n not in self.dropped]


@dataclass
class Sweep:
    runs: list[RunSweep] = field(default_factory=list)
    suspects: set[str] = field(default_factory=set)  # maybe created by a dead run: left alone

    def found(self, run_id: str | None = None) -> list[str]:
        return [n for r in self.runs if run_id in (None, r.run_id) for n in r.found]

    def dropped(self, run_id: str | None = None) -> list[str]:
        return [n for r in self.runs if run_id in (None, r.run_id) for n in r.dropped]

    def remaining(self, run_id: str | None = None) -> list[str]:
        return [n for r in self.runs if run_id in (None, r.run_id) for n in r.remaining]


def sweep(
    state_dir: Path, target: str, admin: AdminOps, current_run: str | None = None, *, protected: frozenset[str]
) -> Sweep:
    """Drop what dead runs against `target` left behind (and this run's, when `current_run` is given
    at its end), then list the target: a run whose users are all gone loses its journal; one with
    users still listed keeps it, with the verified drops added, for the next run."""
    runs = Path(state_dir) / "runs"
    result = Sweep()
    if not runs.is_dir():
        return result
    existing = None
    for run_dir in sorted(p for p in runs.iterdir() if p.is_dir()):
        try:
            owner = json.loads((run_dir / "owner.json").read_text())
        except (OSError, ValueError):
            owner = {"pid": -1, "target": target}  # killed before owner.json was complete
        if owner.get("embedded") and not _pid_alive(owner.get("pid", -1)):
            shutil.rmtree(run_dir, ignore_errors=True)  # its server is gone, and its users with it
            continue
        same_address = owner.get("target") == target
        mine = run_dir.name == current_run
        journal = read_journal(run_dir)
        pids = {owner.get("pid", -1)} | journal.writers
        if not mine and any(pid > 0 and _pid_alive(pid) for pid in pids):
            continue  # a run, or an orphaned worker of one, still in progress
        if journal.leftovers or journal.unconfirmed_exact:
            existing = set(admin.user_names()) if existing is None else existing
            found = sorted(_found_here(journal, existing, same_address) - protected)
            if not same_address and not found:
                continue  # nothing of that run here: its journal stays for the server it belongs to
            result.suspects.update(journal.unconfirmed_exact & existing)
            for name in found:
                admin.drop_user(name)
            if found:
                existing = set(admin.user_names())
                swept = RunSweep(run_dir.name, found, [n for n in found if n not in existing])
                result.runs.append(swept)
                if swept.remaining:
                    record = Journal(state_dir, run_dir.name, "sweep")
                    for name in swept.dropped:
                        record.write("dropped", name)
                    continue
        shutil.rmtree(run_dir, ignore_errors=True)
    return result


def _found_here(journal: JournalState, existing: set[str], same_address: bool) -> set[str]:
    """The dead run's users listed on this target, whatever address reaches it (a load balancer
    name, an IP, a proxy): every listed name carrying the run's prefix (random, unique to that run,
    also where a case put characters first or the server kept surrounding spaces) is that run's.
    Its exact names (no prefix) only where the target is proven to be the server that run used: the
    same address, or one of its prefixed names is listed here."""
    prefixed = {n for n in existing if journal.prefix in n}
    if same_address or prefixed:
        return prefixed | (journal.leftovers & existing)
    return set()
