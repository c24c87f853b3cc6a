"""Flakiness under concurrency: the gate tier once serially, then `--runs` times with `--jobs N`, each
run's case IDs and statuses compared with the serial run's (results.json). Prints every difference and
a last line; asserts nothing (run it in a private network namespace for the embedded target):

    python bench/same_statuses.py --runs 10 --jobs 5 [pytest args, e.g. tests/test_create_name.py]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def statuses(work: Path, args: list[str]) -> tuple[dict[str, str], int, float]:
    cmd = [sys.executable, "-m", "pytest", *args, "-q", "-p", "no:cacheprovider"]
    cmd += ["--reports-dir", str(work / "reports"), "--state-dir", str(work / "state")]
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    try:
        cases = json.loads((work / "reports" / "results.json").read_text())["cases"]
    except (OSError, ValueError, KeyError):
        print(done.stdout[-2000:], done.stderr[-2000:])
        return {}, done.returncode, seconds
    return {c["case_id"]: c["status"] for c in cases}, done.returncode, seconds


def differences(reference: dict[str, str], other: dict[str, str]) -> list[str]:
    return [
        f"{case}: serial {reference.get(case, '(absent)')}, now {other.get(case, '(absent)')}"
        for case in sorted(set(reference) | set(other))
        if reference.get(case) != other.get(case)
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--jobs", default="5")
    ap.add_argument("pytest_args", nargs="*", default=["tests"])
    a = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="same-statuses-"))
    reference, status, seconds = statuses(work / "serial", a.pytest_args)
    print(f"serial: {len(reference)} cases, exit {status}, {seconds:.1f} s")
    differing = 0
    for run in range(1, a.runs + 1):
        found, status, seconds = statuses(work / f"run{run}", [*a.pytest_args, "--jobs", a.jobs])
        diff = differences(reference, found)
        differing += bool(diff)
        print(f"--jobs {a.jobs} run {run}: {len(found)} cases, exit {status}, {seconds:.1f} s, {len(diff)} differ")
        for line in diff:
            print(f"   {line}")
    print(f"{differing} of {a.runs} runs with --jobs {a.jobs} differ from the serial run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
