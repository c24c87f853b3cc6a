"""Every requirement in the catalogue is checked by at least one case, every case cites known IDs,
and every seed clause's source appears in the catalogue."""

import re
import subprocess
import sys

from milvus_conformance import REPO_ROOT
from milvus_conformance.contract.requirements import load_requirements


def collect() -> subprocess.CompletedProcess:
    """--collect-only runs the plugin's own check that each case cites known requirement IDs."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "selftests._collect_ids",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )


def test_every_requirement_is_cited_by_a_collected_case():
    out = collect()
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert re.search(r"\d+ tests? collected", out.stdout)
    line = next(text for text in out.stdout.splitlines() if text.startswith("REQUIREMENT-IDS:"))
    cited = set(line.split(":", 1)[1].split(","))
    missing = set(load_requirements()) - cited
    assert not missing, f"requirements no case cites: {sorted(missing)}"


def test_every_seed_section_is_a_source():
    sources = " ".join(r.source for r in load_requirements().values())
    for clause in [
        'S000 ("Header parameters": Authorization',
        "Request-Timeout",
        '"Response Body"',
        '"Error Response"',
        '"Request Body"',
        'S001 ("EXCEPTIONS")',
        '"RETURNS"',
        '"PARAMETERS": using',
        '"PARAMETERS": timeout',
        '"Request Syntax"',
    ]:
        assert clause in sources, clause
