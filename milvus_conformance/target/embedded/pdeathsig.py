"""Children of the embedded target (its server, its gateway) get SIGTERM when the thread that
started them ends (PR_SET_PDEATHSIG, Linux): `preexec()` is the function to run in such a child
between fork and exec, or None where there is none.

`prctl` is looked up here, in the parent: between fork and exec, the child of a process with
threads must not load a library or import a module (another thread may have held the dynamic
loader's or the import lock at the fork, and the child would wait forever or abort). It was looked
up in the child before, and two starts at once in one process were seen, rarely, to lose a server
during its start to SIGABRT with nothing in its log: what a child aborting before exec looks like."""

from __future__ import annotations

import functools
import signal

PR_SET_PDEATHSIG = 1


def preexec():
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None
    return functools.partial(prctl, PR_SET_PDEATHSIG, signal.SIGTERM)
