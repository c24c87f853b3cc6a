"""Why an embedded Milvus did not start, in one line, read from its logs before its data directory
is removed (a message that points at a deleted log helps nobody); and the logs themselves, kept in
the state directory (the last few failed starts) so that a start that failed without a reason can
still be looked into."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

MAX_REASON = 200
KEPT_DIR = "failed-starts"  # under the state directory
KEEP = 3  # failed starts whose logs are kept
MAX_LOG_BYTES = 1 << 20  # the end of a longer log


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
    errors = [
        ln
        for ln in wrapper
        if ln.split(":", 1)[0].endswith(("Error", "Exception")) or ln.startswith("Fatal Python error")
    ]
    return (errors or [""])[-1][:MAX_REASON]


def keep_logs(data_dir: Path, state_dir: Path) -> Path | None:
    """Copy the start's logs (the wrapper's, the gateway's, Milvus's own) out of `data_dir`, into a
    directory of their own under `state_dir`; the oldest beyond KEEP are removed. None: nothing kept."""
    logs = [p for p in (data_dir / "milvus-server.log", data_dir / "gateway.log") if p.is_file()]
    logs += sorted((data_dir / "logs").glob("*.log"))
    if not logs:
        return None
    kept_root = Path(state_dir) / KEPT_DIR
    into = kept_root / f"{time.strftime('%Y%m%d-%H%M%S')}-{data_dir.name}"
    try:
        into.mkdir(parents=True, exist_ok=True)
        for log in logs:
            with log.open("rb") as src, (into / log.name).open("wb") as dst:
                src.seek(max(0, log.stat().st_size - MAX_LOG_BYTES))
                shutil.copyfileobj(src, dst)
        for old in sorted(p for p in kept_root.iterdir() if p.is_dir())[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return None
    return into
