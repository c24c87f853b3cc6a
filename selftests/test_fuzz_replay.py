"""`--fuzz-seed` replays the nightly tier's stateful phase (issue 27): two runs with the same seed
generate the same stateful scenarios, step by step, and the summary prints the seed it used. Against
the REAL embedded target (selftests/conftest.py), the stateful case only, few scenarios."""

from __future__ import annotations

import json
import subprocess
import sys

from milvus_conformance import REPO_ROOT
from milvus_conformance.results.generation import Generation

SEED, SCENARIOS = 4242, 6


def _stateful(ep, tmp_path, name: str, *seed: str) -> tuple[dict, str]:
    reports = tmp_path / name
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "test_stateful_user_lifecycle",
            "--tier",
            "nightly",
            "--fuzz-scenarios",
            str(SCENARIOS),
            *seed,
            "--base-url",
            ep.base_url,
            "--grpc-uri",
            ep.grpc_uri,
            "--token",
            ep.token,
            "--profile",
            "embedded",
            "--reports-dir",
            str(reports),
            "--state-dir",
            str(tmp_path / "state"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    results = json.loads((reports / "results.json").read_text())
    case = next(c for c in results["cases"] if c["name"].startswith("test_stateful_user_lifecycle"))
    return case["generation"], done.stdout


def test_the_same_fuzz_seed_replays_the_same_stateful_scenarios(embedded_endpoints, tmp_path):
    first, out = _stateful(embedded_endpoints, tmp_path, "a", "--fuzz-seed", str(SEED))
    second, _ = _stateful(embedded_endpoints, tmp_path, "b", "--fuzz-seed", str(SEED))
    assert first["seed"] == second["seed"] == SEED
    assert first["by_phase"]["scenarios"] >= SCENARIOS, first
    assert (first["cases"], first["by_phase"]) == (second["cases"], second["by_phase"]), (first, second)
    assert f"seed {SEED} (replay: --fuzz-seed {SEED})" in out, out[-2000:]


def test_without_a_fuzz_seed_the_seed_used_is_printed(embedded_endpoints, tmp_path):
    generation, out = _stateful(embedded_endpoints, tmp_path, "c")
    assert isinstance(generation["seed"], int)
    line = Generation(**generation).summary()
    assert f"replay: --fuzz-seed {generation['seed']}" in line and line in out, out[-2000:]
