"""README shows what the commands print (issue 27). The README commands that can run here are run,
and what README shows is compared with their output:

- the figures marked `<!-- figure:NAME -->` equal what their command computes (readme_figures.py);
- the one-line error of an unreachable target, exactly;
- the `make conformance` summary block, line by line (`<n>` any count, ports any port), against a
  real run on the embedded target (a subset of cases; its server beside the selftests' shared one);
- the `discover` excerpt: every row's value, and the key count, against a fresh discovery of the
  embedded target (the shared server);
- every option the README's option tables name is an option of the suite.
Figures that need a quiet machine (timings, full-run counts) are stated in README with their date
and machine instead.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.harness import config as cfg
from milvus_conformance.harness import jobs_plugin

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import readme_figures  # noqa: E402

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
# the subset of the gate tier whose summary shows every kind of line README's block shows
SUMMARY_SUBSET = "test_create_name or (test_generated_examples_and_coverage and createUser) or test_stateful"


def _fenced_after(marker: str) -> list[str]:
    """The lines of the first ``` block after `marker`."""
    rest = README[README.index(marker) :]
    block = rest[rest.index("```\n") + 4 :]
    return block[: block.index("```")].splitlines()


def _indented_after(marker: str) -> list[str]:
    """The 4-space-indented block after `marker`."""
    lines = README[README.index(marker) :].splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("    "))
    block = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        block.append(line[4:])
    return block


def test_marked_figures_are_what_their_commands_compute():
    shown = readme_figures.shown(README)
    assert shown, "README marks no figure"
    assert set(shown) <= set(readme_figures.FIGURES), sorted(set(shown) - set(readme_figures.FIGURES))
    for name, values in shown.items():
        computed = readme_figures.FIGURES[name]()
        assert values == [computed] * len(values), (
            f"README shows {name} = {values}, computed {computed!r}: run python selftests/readme_figures.py"
        )


def test_the_error_line_readme_shows_is_the_one_printed(tmp_path):
    shown = re.search(r"`(conformance: target unreachable: http://127\.0\.0\.1:9\s+\([^`]*\))`", README)
    assert shown, "README shows no unreachable-target line"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "--base-url",
            "http://127.0.0.1:9",
            "--state-dir",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
    assert done.returncode == 3 and lines == [" ".join(shown[1].split())], lines


def test_every_option_in_the_readme_tables_is_an_option_of_the_suite():
    rows = re.findall(r"^\| `(--[a-z-]+)[^`]*`(?: `(--[a-z-]+)[^`]*`)? \| `(CONFORMANCE_[A-Z_]+)`", README, re.M)
    assert len(rows) >= 15, rows
    known = {f"--{name.replace('_', '-')}": spec[0] for name, spec in {**cfg.OPTIONS, **cfg.FLAGS}.items()}
    known.update([jobs_plugin.OPTION])  # --jobs: xdist's -n, registered by its own plugin
    for first, second, variable in rows:
        assert first in known, f"README lists {first}, which the suite does not take"
        if not second:
            assert known[first] == variable, (first, variable, known[first])


def _line_pattern(shown: str) -> re.Pattern:
    if shown.startswith("cases: "):  # the kinds README shows, in order; a run may show more kinds
        other = r"(?:\d+ [a-z ]+?, )*"
        kinds = [re.escape(k).replace(re.escape("<n>"), r"\d+") for k in shown[len("cases: ") :].split(", ")]
        return re.compile("cases: " + other + (", " + other).join(kinds) + r"(?:, \d+ [a-z ]+)*$")
    text = re.escape(shown)
    text = text.replace(re.escape("<n>"), r"\d+")
    text = re.sub(r"127\\\.0\\\.0\\\.1:\d+", r"127\\.0\\.0\\.1:\\d+", text)
    text = text.replace(re.escape("reports in reports/"), r"reports in \S+/")
    return re.compile(text + "$")


def _value(row: str) -> str:
    """The value column of a row of discover's table (columns: key, value, how)."""
    return re.split(r"\s{2,}", row.strip())[1]


@pytest.fixture(scope="module")
def summary_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("readme")
    command = [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider", "-k", SUMMARY_SUBSET]
    command += ["--reports-dir", str(work / "reports"), "--state-dir", str(work / "state")]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)


def test_the_summary_block_is_what_a_run_prints(summary_run):
    out = summary_run.stdout.splitlines()
    assert summary_run.returncode == 0, (summary_run.stdout + summary_run.stderr)[-3000:]
    shown = [ln for ln in _fenced_after("prints a short summary") if ln.strip() and ln != "..."]
    assert len(shown) >= 6, shown
    position = 0
    for line in shown:  # in README's order, each line matched by one printed line
        pattern = _line_pattern(line)
        found = next((i for i in range(position, len(out)) if pattern.match(out[i].strip())), None)
        assert found is not None, (
            f"README shows {line!r}; the run printed no such line after line {position}:\n" + "\n".join(out[-25:])
        )
        position = found + 1


def test_the_discover_excerpt_is_what_discover_finds(embedded_endpoints, tmp_path):
    from milvus_conformance.discover.run import discover
    from milvus_conformance.discover.table import render_table
    from milvus_conformance.harness.config import from_values

    excerpt = _indented_after("Excerpt of what it printed against the")
    rows = {ln.split()[0]: ln for ln in excerpt[1:] if not ln.startswith("discover:")}
    total = re.search(r"discover: (\d+) of (\d+) keys observed", excerpt[-1])
    assert rows and total, excerpt
    fill = not __import__("os").environ.get("MILVUS_GRPC_ADDRESS")  # only our own server is filled
    config = from_values(
        {
            "base_url": embedded_endpoints.base_url,
            "grpc_uri": embedded_endpoints.grpc_uri,
            "token": embedded_endpoints.token,
            "state_dir": str(tmp_path),
            "fill_server": fill,
        },
        env={},
    )
    found = discover(config, "my-cluster", report=lambda line: None)
    printed = {ln.split()[0]: ln for ln in render_table(found.items).splitlines()[1:]}
    for key, line in rows.items():
        if key == "users.max_count" and not fill:
            continue
        assert key in printed, f"README shows {key}, discover prints no such key"
        assert _value(printed[key]) == _value(line), (line, printed[key])
    assert int(total[2]) == len(found.items), (total[0], len(found.items))
    if fill:
        assert int(total[1]) == sum(i.observed for i in found.items), total[0]
