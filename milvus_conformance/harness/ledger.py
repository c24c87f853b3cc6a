"""Ownership of the users a run creates: the only users the suite ever modifies or drops.

- Names carry a per-run prefix with a random part (`cf<6 random>_`), so they cannot collide with
  anybody else's users.
- Before a create, the name is written to the run's journal (write-ahead); after it, "created". A later
  run sweeps the journals of dead runs: prefixed names are dropped if they exist; exact names (a case
  that needs e.g. a 1-character name) only if the journal says this suite created them.
- A user that is neither in this run's ledger nor in a dead run's journal is never touched, and the
  protected admins (the profile's `users.protected` plus the token's own user, harness/protected.py)
  never are.
- A drop that answers success is not proof: a user is journaled "dropped" once a listing shows it
  gone (one still listed stays journaled and counted; the next run drops it again). Any listing made
  after the drop answered (`observe`, e.g. the next case's) verifies it; until then it counts against
  the budget, and a create that would exceed the budget first lists the target once.
- Cases of one process may run in threads (harness/run_ahead.py): the ledger's state has one lock.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import string
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from milvus_conformance.errors import HarnessError

PREFIX_ALPHABET = string.ascii_lowercase + string.digits
ROOM_WAIT_S = 120.0  # how long a case waits for other cases of this process to free budget


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
        self._writing = threading.Lock()  # cases in threads append one line at a time

    def open_run(self, target: str, embedded: bool = False) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        owner = {"pid": os.getpid(), "target": target, "embedded": embedded}
        (self.dir / "owner.json").write_text(json.dumps(owner))

    def write(self, event: str, name: str, exact: bool = False) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._writing, self.file.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, "name": name, "exact": exact, "pid": os.getpid()}) + "\n")
            f.flush()
            os.fsync(f.fileno())


class UserLedger:
    def __init__(self, run_id: str, journal: Journal, admin: AdminOps, max_alive: int, *, protected: frozenset[str]):
        self.protected = protected
        self.prefix = run_prefix(run_id)
        self.journal = journal
        self.admin = admin
        self.max_alive = max_alive
        self.owned: set[str] = set()
        self.stuck: set[str] = set()  # drop answered success, still listed: ours, still alive
        self.unverified: dict[str, float] = {}  # dropped (when the drop answered), not yet listed
        self._rng = random.Random(secrets.randbits(64))
        # every change of the sets above holds it; a case in a thread waits on it for room
        self._room = threading.Condition(threading.RLock())
        self._claimed: set[str] = set()  # exact names claimed by a case whose create is pending
        self._reserved: dict[str, int] = {}  # creates in flight (journaled "intent", not answered)
        self._threads = 0  # cases running ahead in threads (harness/run_ahead.py)

    # ---- names ----------------------------------------------------------------------------------
    def fresh_name(self, length: int | None = None, tag: str = "") -> str:
        """A unique name with this run's prefix; `length` pads it to exactly that many characters."""
        base = self.prefix + tag
        if length is not None and length < len(base) + 4:
            raise ValueError(f"a prefixed name cannot be {length} characters long")
        with self._room:
            return base + "".join(self._rng.choice(PREFIX_ALPHABET) for _ in range(length - len(base) if length else 8))

    def claim_exact(self, name: str) -> bool:
        """A name without the prefix, usable if nobody has it nor another case of ours claimed it.
        With cases in threads, a name another case of ours holds (claimed, created, or dropped and
        not yet seen gone) is waited for, as a serial run would have had it free by then."""
        deadline = time.monotonic() + ROOM_WAIT_S
        while True:
            with self._room:
                if not (name in self._claimed or name in self.owned or name in self.unverified):
                    self._claimed.add(name)
                    break
                if name in self._claimed or name in self.owned:
                    if not self._threads or time.monotonic() >= deadline:
                        return False
                    self._room.wait(min(1.0, max(0.0, deadline - time.monotonic())))
                    continue
            self.verify_drops()  # only dropped: one listing says gone (free) or stuck (refused below)
        if name in self.user_names():
            self.unclaim(name)
            return False
        return True

    @contextmanager
    def in_thread(self):
        """A case running ahead in a thread: it drops its users when it ends (room to wait for)."""
        with self._room:
            self._threads += 1
        try:
            yield
        finally:
            with self._room:
                self._threads -= 1
                self._room.notify_all()

    def unclaim(self, name) -> None:  # its create was refused: the listing tells from now on
        with self._room:
            self._claimed.discard(name)
            self._room.notify_all()

    # ---- lifecycle ------------------------------------------------------------------------------
    def _alive(self, own=()) -> int:
        """Users that may be on the target: owned, dropped but not seen gone, others' creates in flight."""
        pending = sum(n for name, n in self._reserved.items() if name not in self.owned and name not in own)
        return len(self.owned) + len(self.stuck) + len(self.unverified) + pending

    def will_create(self, name, exact: bool = False, own=None) -> None:
        """Journal the intent to create `name` within the budget; `own` (a UserScope's users): also
        reserve it until `created`/`unreserve`. With cases in threads a full budget is waited for."""
        if not isinstance(name, str) or name == "":
            return  # cannot become a user: nothing to own
        deadline, reserve, own = time.monotonic() + ROOM_WAIT_S, own is not None, own or ()
        # Listings and journal writes happen outside the lock: the cases beside go on meanwhile.
        while True:
            with self._room:
                settle = self._alive(own) >= self.max_alive and bool(self.unverified)
            if settle:
                self.verify_drops()  # one listing settles every pending drop
            with self._room:
                alive = self._alive(own)
                others = self.owned.union(self._reserved).difference(own)
                if alive >= self.max_alive and others and self._threads and time.monotonic() < deadline:
                    self._room.wait(min(1.0, max(0.0, deadline - time.monotonic())))
                    continue
                if alive >= self.max_alive:
                    stuck = f"{len(self.stuck)} of them still on the target after their drop answered success"
                    why = stuck if self.stuck else "a case leaks users"
                    raise HarnessError(f"user budget exhausted ({alive} alive): {why}")
                if reserve:  # held from here: the room it takes is seen by every other case
                    self._reserved[name] = self._reserved.get(name, 0) + 1
                break
        self.journal.write("intent", name, exact)  # before the create is sent: the caller sends it

    def unreserve(self, name) -> None:
        """The create of `name` was answered without creating it, or never sent: its room is free."""
        with self._room:
            if self._reserved.get(name, 0) > 1:
                self._reserved[name] -= 1
            else:
                self._reserved.pop(name, None)
            self._room.notify_all()

    def created(self, name, exact: bool = False) -> None:
        if isinstance(name, str) and name:
            with self._room:
                self.owned.add(name)
                self.stuck.discard(name)
                self._claimed.discard(name)
                self.unreserve(name)
            self.journal.write("created", name, exact)

    def release(self, name: str, verify: bool = True) -> None:
        """Drop a user this run created, checked by a listing (`verify=False`: by the next one)."""
        if name in self.protected or name not in self.owned:
            raise HarnessError(f"refusing to drop {name!r}: not created by this run")
        if verify:
            self._drop_verified([name])
        else:
            self.admin.drop_user(name)
            with self._room:
                self.owned.discard(name)
                self.unverified[name] = time.monotonic()
                self._room.notify_all()

    def verify_drops(self) -> None:
        if self.unverified:
            self.user_names()

    def user_names(self) -> list[str]:
        """The target's users, listed by the admin (which verifies the pending drops)."""
        started = time.monotonic()
        names = self.admin.user_names()
        self.observe(names, started)
        return names

    def observe(self, listed, started: float) -> None:
        """A listing (by anyone of this process) begun at `started` verifies the drops before it."""
        with self._room:
            done = sorted(n for n, at in self.unverified.items() if at <= started)
            for name in done:
                del self.unverified[name]
            gone = self._mark(done, set(listed))  # in the same hold: never counted as neither
        self._journal_dropped(gone)

    def _drop_verified(self, names: list[str]) -> None:
        for name in names:
            self.admin.drop_user(name)
            with self._room:
                self.owned.discard(name)
        self._check_gone(names)

    def _check_gone(self, names: list[str]) -> None:
        self._settle(names, set(self.user_names()))

    def _settle(self, names: list[str], listed: set[str]) -> None:
        with self._room:
            gone = self._mark(names, listed)
        self._journal_dropped(gone)

    def _mark(self, names: list[str], listed: set[str]) -> list[str]:
        """Under the lock: listed names are stuck, the others gone (returned, to be journaled)."""
        for name in names:
            if name in listed:
                self.stuck.add(name)  # stays journaled as created: swept again, reported
            else:
                self.stuck.discard(name)
        self._room.notify_all()
        return [name for name in names if name not in listed]

    def _journal_dropped(self, names: list[str]) -> None:
        for name in names:  # outside the lock: a write waits for the disk
            self.journal.write("dropped", name)

    def forget(self, name: str) -> None:
        """The case itself dropped the user (e.g. a drop test)."""
        with self._room:
            self.owned.discard(name)
            self.unverified.pop(name, None)
            self._room.notify_all()
        self.journal.write("dropped", name)

    def held(self) -> set[str]:
        """Every name a case of this run holds: claimed, being created, created, or dropped and not
        yet seen gone (a case that reads a listing tells other cases' users by it)."""
        with self._room:
            return self.owned | self.stuck | self._claimed | set(self._reserved) | set(self.unverified)

    @property
    def room(self) -> int:
        """How many more users this process may create before its budget is exhausted (counting
        drops not verified yet as alive: see settled_room)."""
        with self._room:
            return self.max_alive - len(self.owned) - len(self.unverified)

    def settled_room(self) -> int:
        """`room` once every pending drop is verified (one listing): what a case that sizes its work
        by the budget reads, so that it does the same whichever earlier drops were still pending."""
        self.verify_drops()
        return self.room

    @contextmanager
    def budget(self, extra: int):
        """Let one case (the user-cap case, under the exclusive fill lock) hold more users."""
        self.max_alive += extra  # the user-cap case runs alone (no case runs ahead meanwhile)
        try:
            yield
        finally:
            self.max_alive -= extra

    def release_all(self) -> list[str]:
        """Drop every user still owned, and once more those an earlier drop did not remove."""
        left = sorted(self.owned)
        for name in left:
            self.release(name, verify=False)
        self.verify_drops()
        if self.stuck:
            self._drop_verified(sorted(self.stuck))
        return left
