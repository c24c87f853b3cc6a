"""`make release-smoke` (part of make check): a release besides the default, Milvus 2.2.16, is installed
(first use only), started, and the SDK and REST smoke cases pass against it with its own profile;
then 2.3.5 the same; the matrix over the two is rendered and shows the code-0 difference.

Runs alone (not under `pytest selftests`): each release starts an embedded server of its own."""

import json
import subprocess
import sys
import time

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.matrix_run import SMOKE

OLD, NEW = "2.2.16", "2.3.5"
DUPLICATE_CASE = "tests/test_sdk_create_user.py::test_duplicate_raises[utility]"


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    out = tmp_path_factory.mktemp("matrix")
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "milvus_conformance.cli",
            "matrix-run",
            "--versions",
            f"{NEW},{OLD}",
            "--smoke",
            "--out",
            str(out),
            "--state-dir",
            str(REPO_ROOT / ".conformance"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(f"matrix-run over {OLD},{NEW} (smoke): {time.monotonic() - started:.1f} s, exit {done.returncode}")
    return out, done


def _results(out, version):
    return json.loads((out / version / "results.json").read_text())


def test_both_releases_conform_to_their_own_profiles(matrix):
    out, done = matrix
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    for version, profile in ((OLD, "embedded-2.2.16"), (NEW, "embedded")):
        run = _results(out, version)
        assert run["target"]["profile"] == profile
        assert run["target"]["server_version"] == f"v{version}-lite", "the release that really ran"
        checked = [c for c in run["cases"] if c["status"] in ("pass", "known_deviation")]
        assert {c["surface"] for c in checked} >= {"rest", "sdk"}, "both surfaces ran"
        assert not [c["case_id"] for c in run["cases"] if c["status"] not in ("pass", "known_deviation")]
        assert {c["case_id"].split("::")[0] for c in run["cases"]} == set(SMOKE)


def test_matrix_shows_the_code_0_difference(matrix):
    out, _ = matrix
    md = (out / "matrix.md").read_text()
    header = next(ln for ln in md.splitlines() if ln.startswith("| Requirement"))
    assert header.index("embedded-2.2.16") < header.index("v2.3.5-lite"), "old release first"
    row = next(ln for ln in md.splitlines() if ln.startswith("| USER-CREATE-DUPLICATE "))
    old_cell, new_cell = row.split("|")[3:5]
    assert "refused (0)" in old_cell and "refused (65535)" in new_cell
    assert "refused (0)" in (out / "matrix.html").read_text()
    comparison = (out / f"compare-{OLD}-to-{NEW}.md").read_text()
    changed = comparison.split("## Changed outcomes")[1].split("\n## ")[0]
    line = next(ln for ln in changed.splitlines() if DUPLICATE_CASE.replace("[", "\\[").replace("]", "\\]") in ln)
    assert line.index("refused (0)") < line.index("refused (65535)")
