"""The table `discover` prints: every key, its value, and how it was found."""

from __future__ import annotations

from milvus_conformance.discover.findings import Finding
from milvus_conformance.discover.outcome import describe

HOW_WIDTH = 96


def shown(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return describe(value)
    return repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def render_table(items: list[Finding]) -> str:
    rows = [(i.key, shown(i.value), _cut(i.how)) for i in items]
    widths = [max(len(r[c]) for r in rows + [("key", "value", "")]) for c in (0, 1)]
    out = [f"{'key':<{widths[0]}}  {'value':<{widths[1]}}  how"]
    out += [f"{k:<{widths[0]}}  {v:<{widths[1]}}  {h}" for k, v, h in rows]
    return "\n".join(out)


def _cut(text: str) -> str:
    return text if len(text) <= HOW_WIDTH else text[: HOW_WIDTH - 3] + "..."
