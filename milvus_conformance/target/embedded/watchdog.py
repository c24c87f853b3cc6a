"""The embedded server dies with its runner, whatever kills the runner (SIGKILL, an OOM kill, a CI job
cancelled): a small process in the server's process group whose stdin is a pipe that only the runner
holds open. When the pipe ends (the runner is gone) or the watchdog is re-parented, it stops the
whole group: SIGTERM, then SIGKILL after a grace period (itself included). A normal stop of the
group (server.stop_group) ends the watchdog with the rest.

Run as `python -m milvus_conformance.target.embedded.watchdog RUNNER_PID` (server.py starts it)."""

from __future__ import annotations

import os
import select
import signal
import sys
import time

GRACE_S = 10.0


def group_members(pgid: int) -> list[int]:
    """Processes of the group other than this one (Linux /proc)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


def wait_for_runner(runner: int) -> None:
    while True:
        ready, _, _ = select.select([0], [], [], 1.0)
        if ready and not os.read(0, 4096):
            return  # EOF: the runner's end of the pipe is closed
        if os.getppid() != runner:
            return  # re-parented: the runner is gone


def stop_group(grace: float = GRACE_S) -> None:
    pgid = os.getpgid(0)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # outlive our own SIGTERM to the group
    os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and group_members(pgid):
        time.sleep(0.2)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.killpg(pgid, signal.SIGKILL)  # whatever is left, this process too


def main(argv: list[str]) -> int:
    wait_for_runner(int(argv[1]))
    stop_group()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
