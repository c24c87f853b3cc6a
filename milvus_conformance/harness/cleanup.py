"""The run's clean-up, checked by listing rather than taken on the target's word.

- Start: users earlier runs against this target left behind (only those their journals prove this
  suite created) are dropped again, and the run says how many it found and removed. Then, before
  anything is created, the user budget: leftovers still on the target count against --max-users, and
  the run must fit under the server's user cap (profile `users.max_count`). If it does not fit at
  all, the run stops with one line (a harness error); if it fits in less, it keeps fewer users alive.
- End: the run's own users are swept, and a listing shows whether any are still there. Those are a
  harness warning (in results.json and every report) and stay journaled for the next run.

Warnings never change the verdict: the cases that check drop (USER-DROP-SEMANTICS) do that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from milvus_conformance.errors import HarnessError
from milvus_conformance.harness.ledger import AdminOps
from milvus_conformance.harness.sweep import sweep

PER_PROCESS_MIN = 2  # the least a process's ledger keeps alive (harness/fixtures.py: max(2, ...))
AFTER_DROP = "still on the target after drop answered success"


@dataclass(frozen=True)
class Budget:
    """How many users the run may keep alive, from what is on the target before it creates any."""

    max_users: int  # --max-users
    ours_left: int  # users of earlier runs still on the target (they count)
    on_target: int  # every user on the target now, root included
    cap: int | None  # the server's user cap, root included; None when the profile has none
    processes: int = 1  # the run's processes (xdist workers), each with its own share

    @property
    def room(self) -> int:
        room = self.max_users - self.ours_left
        return room if self.cap is None else min(room, self.cap - self.on_target)

    @property
    def needed(self) -> int:
        return PER_PROCESS_MIN * self.processes

    def reasons(self) -> list[str]:
        out = []
        if self.ours_left:
            out.append(
                f"{self.ours_left} users of earlier runs are {AFTER_DROP} "
                f"(they count against --max-users {self.max_users})"
            )
        if self.cap is not None and self.cap - self.on_target < self.max_users:
            out.append(
                f"the target has {self.on_target} of its {self.cap} users (room for "
                f"{max(0, self.cap - self.on_target)})"
            )
        return out

    def check(self) -> str:
        """'' when the run fits as configured; a note when it fits in less; else a HarnessError."""
        if self.room >= self.max_users:
            return ""
        why = "; ".join(self.reasons())
        if self.room < self.needed:
            raise HarnessError(
                f"no room for the run's users before creating any: {why}; it needs at least "
                f"{self.needed}. Drop them by hand (names in the journals under --state-dir), or raise "
                f"--max-users"
            )
        return f"user budget: at most {self.room} users alive at once (not {self.max_users}): {why}"


def run_processes(config) -> int:
    """Processes that create users: the xdist workers (-n N), else this one."""
    workers = config.getoption("numprocesses", None)
    return workers if isinstance(workers, int) and workers > 0 else 1


def start_of_run(ctx, admin: AdminOps, processes: int, say: Callable[[str], None]) -> list[str]:
    """Sweep earlier runs' leftovers, check the budget (may shrink `ctx.config.max_users`, which
    reaches the workers). Returns the run's harness warnings so far."""
    result = sweep(ctx.config.state_dir, ctx.fingerprint, admin, protected=ctx.protected)
    ctx.swept = result.dropped()
    left = len(result.remaining())
    if result.found():
        say(
            f"found {len(result.found())} user(s) left by earlier runs against this target; "
            f"removed {len(ctx.swept)}" + (f"; {left} {AFTER_DROP}" if left else "")
        )
    if result.suspects:
        say(
            f"note: an interrupted run may have created {sorted(result.suspects)}; left alone "
            "because they could be somebody else's - drop them by hand if they are not"
        )
    warnings = (
        [
            f"{left} users left by earlier runs are {AFTER_DROP}; they stay in their journals "
            "and count against --max-users"
        ]
        if left
        else []
    )
    if not ctx.config.read_only:
        cap = ctx.profile()["users.max_count"]  # resolved for the version (also for auto)
        budget = Budget(ctx.config.max_users, left, len(admin.user_names()), cap, processes)
        note = budget.check()
        if note:
            say(note)
            ctx.config = replace(ctx.config, max_users=budget.room)
    return warnings


def end_of_run(ctx, admin: AdminOps) -> list[str]:
    """Sweep this run's users (and any dead run's); the harness warning if some are still listed."""
    result = sweep(ctx.config.state_dir, ctx.fingerprint, admin, current_run=ctx.run_id, protected=ctx.protected)
    mine = len(result.remaining(ctx.run_id))
    if not mine:
        return []
    journal = Path(ctx.config.state_dir) / "runs" / ctx.run_id
    return [
        f"{mine} users created by this run are {AFTER_DROP}; kept in the journal ({journal}) "
        "so the next run against this target drops them again"
    ]
