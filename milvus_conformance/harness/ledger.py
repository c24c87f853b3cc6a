"""Ownership of the users a run creates: the only users the suite ever modifies or drops.

- Names carry a per-run prefix with a random part (`cf<6 random>_`), so they cannot collide with
  anybody else's users.
- Before a create, the name is written to the run's journal (write-ahead); after it, "created". A later
  run sweeps the journals of dead runs: prefixed names are dropped if they exist; exact names (a case
  that needs e.g. a 1-character name) only if the journal says this suite created them.
- A user that is neither in this run's ledger nor in a dead run's journal is never touched, and the
  protected admins (the profile's `users.protected` plus the token's own user, harness/protected.py)
  never are.
"""
from __future__ import annotations

import fcntl
import json
import os
import random
import secrets
import shutil
import string
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from milvus_conformance.errors import HarnessError

PREFIX_ALPHABET = string.ascii_lowercase + string.digits


class AdminOps(Protocol):
    def user_names(self) -> list[str]: ...
    def drop_user(self, name: str) -> None: ...


def new_run_id() -> str:
    return "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(6))


def run_prefix(run_id: str) -> str:
    return f"cf{run_id}_"


class Journal:
    """runs/<run_id>/owner.json + one users-<process>.jsonl per process (xdist-safe)."""

    def __init__(self, state_dir: Path, run_id: str, process: str = "main"):
        self.dir = Path(state_dir) / "runs" / run_id
        self.file = self.dir / f"users-{process}.jsonl"

    def open_run(self, target: str, embedded: bool = False) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        owner = {"pid": os.getpid(), "target": target, "embedded": embedded}
        (self.dir / "owner.json").write_text(json.dumps(owner))

    def write(self, event: str, name: str, exact: bool = False) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self.file.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, "name": name, "exact": exact,
                                "pid": os.getpid()}) + "\n")
            f.flush()
            os.fsync(f.fileno())


class UserLedger:
    def __init__(self, run_id: str, journal: Journal, admin: AdminOps, max_alive: int, *,
                 protected: frozenset[str]):
        self.protected = protected
        self.prefix = run_prefix(run_id)
        self.journal = journal
        self.admin = admin
        self.max_alive = max_alive
        self.owned: set[str] = set()
        self._rng = random.Random(secrets.randbits(64))

    # ---- names ----------------------------------------------------------------------------------
    def fresh_name(self, length: int | None = None, tag: str = "") -> str:
        """A unique name with this run's prefix; `length` pads it to exactly that many characters."""
        base = self.prefix + tag
        if length is None:
            return base + "".join(self._rng.choice(PREFIX_ALPHABET) for _ in range(8))
        if length < len(base) + 4:
            raise ValueError(f"a prefixed name cannot be {length} characters long")
        return base + "".join(self._rng.choice(PREFIX_ALPHABET) for _ in range(length - len(base)))

    def claim_exact(self, name: str) -> bool:
        """For a case that needs a name without the prefix: usable only if nobody has it."""
        return name not in self.admin.user_names()

    # ---- lifecycle ------------------------------------------------------------------------------
    def will_create(self, name, exact: bool = False) -> None:
        if not isinstance(name, str) or name == "":
            return   # cannot become a user: nothing to own
        if len(self.owned) >= self.max_alive:
            raise HarnessError(f"user budget exhausted ({self.max_alive} alive): a case leaks users")
        self.journal.write("intent", name, exact)

    def created(self, name, exact: bool = False) -> None:
        if isinstance(name, str) and name:
            self.owned.add(name)
            self.journal.write("created", name, exact)

    def release(self, name: str) -> None:
        """Drop a user this run created; refuses anything else."""
        if name in self.protected or name not in self.owned:
            raise HarnessError(f"refusing to drop {name!r}: not created by this run")
        self.admin.drop_user(name)
        self.owned.discard(name)
        self.journal.write("dropped", name)

    def forget(self, name: str) -> None:
        """The case itself dropped the user (e.g. a drop test)."""
        self.owned.discard(name)
        self.journal.write("dropped", name)

    @contextmanager
    def budget(self, extra: int):
        """Let one case (the user-cap case, under the exclusive fill lock) hold more users."""
        self.max_alive += extra
        try:
            yield
        finally:
            self.max_alive -= extra

    def release_all(self) -> list[str]:
        left = sorted(self.owned)
        for name in left:
            self.release(name)
        return left


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
    every process that wrote (the controller and each xdist worker)."""
    prefix: str
    last: dict[str, str] = field(default_factory=dict)
    exact: dict[str, bool] = field(default_factory=dict)
    writers: set[int] = field(default_factory=set)

    @property
    def leftovers(self) -> set[str]:
        """Names carrying the run's prefix (unique to it, even when a case put another character
        first) that it intended, and exact names it confirmed it created."""
        return {n for n, last in self.last.items()
                if last != "dropped"
                and (last == "created" or (self.prefix in n and not self.exact[n]))}

    @property
    def unconfirmed_exact(self) -> set[str]:
        """Exact names (no run prefix) the run meant to create but never confirmed: maybe ours,
        maybe somebody else's - never dropped, only reported."""
        return {n for n, last in self.last.items() if self.exact[n] and last == "intent"}


def read_journal(run_dir: Path) -> JournalState:
    state = JournalState(run_prefix(run_dir.name))
    for path in sorted(run_dir.glob("users-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                e = json.loads(line)
                name, event = e["name"], e["event"]
            except (ValueError, KeyError, TypeError):
                continue   # a line cut by kill -9
            if isinstance(e.get("pid"), int):
                state.writers.add(e["pid"])
            state.exact[name] = state.exact.get(name, False) or bool(e.get("exact"))
            if not (event == "intent" and state.last.get(name) == "created"):
                state.last[name] = event   # an intent after "created" (a duplicate) stays ours
    return state


def journal_leftovers(run_dir: Path) -> set[str]:
    return read_journal(run_dir).leftovers


def sweep(state_dir: Path, target: str, admin: AdminOps, current_run: str | None = None,
          suspects: set[str] | None = None, protected: frozenset[str] = frozenset()) -> list[str]:
    """Drop what dead runs against `target` left behind (and this run's, when `current_run` is given
    at its end). Returns the names dropped; adds to `suspects` the existing users a dead run may
    have created but never confirmed (they are left alone)."""
    runs = Path(state_dir) / "runs"
    dropped: list[str] = []
    if not runs.is_dir():
        return dropped
    existing = None
    for run_dir in sorted(p for p in runs.iterdir() if p.is_dir()):
        try:
            owner = json.loads((run_dir / "owner.json").read_text())
        except (OSError, ValueError):
            owner = {"pid": -1, "target": target}   # killed before owner.json was complete
        if owner.get("embedded") and not _pid_alive(owner.get("pid", -1)):
            shutil.rmtree(run_dir, ignore_errors=True)   # its server is gone, and its users with it
            continue
        if owner.get("target") != target:
            continue
        mine = run_dir.name == current_run
        journal = read_journal(run_dir)
        pids = {owner.get("pid", -1)} | journal.writers
        if not mine and any(pid > 0 and _pid_alive(pid) for pid in pids):
            continue   # a run, or an orphaned worker of one, still in progress
        if journal.leftovers or journal.unconfirmed_exact:
            existing = set(admin.user_names()) if existing is None else existing
            if suspects is not None:
                suspects.update(journal.unconfirmed_exact & existing)
            for name in sorted(journal.leftovers & existing - protected):
                admin.drop_user(name)
                dropped.append(name)
        shutil.rmtree(run_dir, ignore_errors=True)
    return dropped


class FillLock:
    """Cases that create users hold it shared; the user-cap case holds it exclusively, so it never
    runs while another xdist worker's case has users alive. A turnstile keeps the writer from
    starving."""

    def __init__(self, run_dir: Path):
        run_dir.mkdir(parents=True, exist_ok=True)
        self._main = run_dir / "fill.lock"
        self._turnstile = run_dir / "fill.turnstile"

    @contextmanager
    def shared(self):
        with _flock(self._turnstile, fcntl.LOCK_EX):
            pass
        with _flock(self._main, fcntl.LOCK_SH):
            yield

    @contextmanager
    def exclusive(self):
        with _flock(self._turnstile, fcntl.LOCK_EX), _flock(self._main, fcntl.LOCK_EX):
            yield   # both held: no case of another process is running now


@contextmanager
def _flock(path: Path, mode: int):
    with path.open("a") as f:
        fcntl.flock(f.fileno(), mode)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
