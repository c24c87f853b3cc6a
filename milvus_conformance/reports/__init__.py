"""Views of a RunResult. `write_all` writes the standard set a run leaves behind."""
from __future__ import annotations

import os
from pathlib import Path

from milvus_conformance.reports.html import render_html
from milvus_conformance.reports.junit import render_junit
from milvus_conformance.reports.markdown import render_summary_md
from milvus_conformance.reports.parity import render_parity_md
from milvus_conformance.results.io import write_results
from milvus_conformance.results.model import RunResult

REPORT_FILES = ("results.json", "junit.xml", "report.html", "summary.md", "parity.md")


def write_all(run: RunResult, reports_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write results.json, junit.xml, report.html and summary.md; return their paths by name."""
    out = Path(reports_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in REPORT_FILES}
    write_results(run, paths["results.json"])
    for name, render in (("junit.xml", render_junit), ("report.html", render_html),
                         ("summary.md", render_summary_md), ("parity.md", render_parity_md)):
        paths[name].write_text(render(run), encoding="utf-8")
    return paths
