"""Stopping a run with one line: every error line of the suite, of pytest runs and of the
`milvus-conformance` commands alike, reads `conformance: <cause and fix>` (README "Exit statuses").

pytest prints an exit raised before the session has started as `<exception class name>: <message>`
(`_pytest.main.wrap_session`), and a usage error as `ERROR: <message>`: so the suite stops with an
exit exception whose class is named for the prefix, and never with a usage error."""

from __future__ import annotations

from typing import NoReturn

import pytest

PREFIX = "conformance"


class Stop(pytest.exit.Exception):
    """pytest.exit's exception, printed by pytest as `conformance: <message>`."""


Stop.__name__ = Stop.__qualname__ = PREFIX


def stop(message, status: int) -> NoReturn:
    """Like `pytest.exit(message, status)`, printed as one `conformance: ...` line."""
    text = " ".join(str(message).split())
    raise Stop(text.removeprefix(f"{PREFIX}: "), returncode=int(status))


def is_ours(exc: BaseException) -> bool:
    return isinstance(exc, Stop)
