"""Which embedded servers a state directory's runs started: one record per server
(`<state dir>/embedded-servers/<pgid>.json`: its process group, data directory and the process that
owns it), so that a run can stop a server an earlier run left behind without ever stopping the server
of a run still going on beside it (several servers run side by side; etcd_config.py)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

RECORDS_DIR = "embedded-servers"
LEGACY_FILE = "embedded-server.json"  # one record per state dir, written before servers ran side by side


@dataclass(frozen=True)
class ServerRecord:
    pgid: int
    data_dir: str
    owner_pid: int = -1  # the runner that started it; -1: unknown (a legacy record)
    owner_start: str = ""  # its start time (/proc/<pid>/stat), so that a reused pid is not the owner

    def owner_alive(self) -> bool:
        if self.owner_pid <= 0:
            return False
        started = process_start(self.owner_pid)
        return started is not None and (not self.owner_start or started == self.owner_start)


def process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)  # no /proc: alive is all we can know
            return ""
        except ProcessLookupError:
            return None
        except PermissionError:
            return ""


def record_path(state_dir: Path, pgid: int) -> Path:
    return Path(state_dir) / RECORDS_DIR / f"{pgid}.json"


def write_record(state_dir: Path, pgid: int, data_dir: str) -> Path:
    """Record a server this process just started (and owns)."""
    me = os.getpid()
    record = ServerRecord(pgid, data_dir, me, process_start(me) or "")
    path = record_path(state_dir, pgid)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(record)))
    partial.replace(path)  # never a half-written record for a concurrent sweep to read
    return path


def orphaned(state_dir: Path) -> list[tuple[Path, ServerRecord | None]]:
    """The records whose owner is gone (their server, if still running, was left behind), with the
    legacy single record; None for a record that cannot be read (its owner died while writing)."""
    found = []
    paths = sorted((Path(state_dir) / RECORDS_DIR).glob("*.json"))
    legacy = Path(state_dir) / LEGACY_FILE
    for path in [*paths, legacy] if legacy.exists() else paths:
        try:
            record = ServerRecord(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            found.append((path, None))
            continue
        if not record.owner_alive():
            found.append((path, record))
    return found
