"""Children of the embedded target (its server, its gateway) get SIGTERM when the thread that
started them ends (PR_SET_PDEATHSIG, Linux; elsewhere the group's watchdog alone stops them).

`command(args)` is the command line that runs `args` that way: through this module, which sets
PR_SET_PDEATHSIG in itself and then execs `args` (the setting survives the exec). The parent runs no
code of its own between fork and exec: it used to, as a Popen preexec function, and with one Python
makes its child by fork() and runs the fork handlers of the parent's libraries in it. gRPC's (loaded
by pymilvus in the suite's process) sometimes aborted that child: a server "exited during start
(status -6)" with one line in its log, "Epoll1Poller ... epoll_wait error: Bad file descriptor" from
the child's pid (seen in `make check`, two servers started at once in one process).
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", __name__, str(os.getpid()), "--", *args]


def main(argv: list[str]) -> None:
    parent, args = int(argv[0]), argv[2:]
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux
        pass
    if os.getppid() != parent:  # the parent died before the setting took effect
        os.kill(os.getpid(), signal.SIGTERM)
    os.execvp(args[0], args)


if __name__ == "__main__":
    main(sys.argv[1:])
