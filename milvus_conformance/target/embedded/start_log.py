"""Why an embedded Milvus did not start, in one line, read from its logs before its data directory
is removed (a message that points at a deleted log helps nobody)."""

from __future__ import annotations

from pathlib import Path

MAX_REASON = 200


def _lines(path: Path) -> list[str]:
    try:
        return [ln.strip() for ln in path.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return []


def start_failure_reason(data_dir: Path) -> str:
    """The server's own panic, else the wrapper's last exception line, else ''."""
    for line in _lines(data_dir / "logs" / "milvus-stderr.log"):
        if line.startswith(("panic:", "fatal error:")):
            return line[:MAX_REASON]
    wrapper = _lines(data_dir / "milvus-server.log")
    errors = [ln for ln in wrapper if ln.split(":", 1)[0].endswith(("Error", "Exception"))]
    return (errors or [""])[-1][:MAX_REASON]
