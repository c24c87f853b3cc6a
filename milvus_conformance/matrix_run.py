"""`milvus-conformance matrix-run` (make matrix): the suite against the embedded target at each given
Milvus release in turn, then the matrix of the runs and a comparison of each release with the next.

The releases run in sequence by choice (embedded servers can run side by side): each run's figures are
its own, and the machine runs one server at a time. Each runs in its own pytest process that starts
and stops its server. Every release a run needs is
installed first (PyPI), so a missing network fails at once and not between two runs.

Exit status: 0 every run conforms to its own profile, 1 some run does not, 2 interrupted, 3 a run had
no verdict (harness or infrastructure error), 4 bad configuration.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from milvus_conformance import REPO_ROOT
from milvus_conformance.errors import ConfigError, ExitStatus, HarnessError
from milvus_conformance.settings import environment
from milvus_conformance.target.embedded import releases

HELP = "run the suite against several embedded Milvus releases; write their matrix and comparisons"
PYTEST_NO_TESTS = 5
# --smoke: the SDK and REST smoke cases (create, list, describe, drop, duplicate, error envelope)
SMOKE = ("tests/test_sdk_create_user.py", "tests/test_rest_envelope.py")


@dataclass
class ReleaseRun:
    version: str
    exit_status: int
    results: Path


def add_arguments(parser) -> None:
    parser.add_argument(
        "--versions",
        default=",".join(releases.KNOWN_TO_RUN),
        help="comma-separated releases, e.g. 2.2.16,2.3.5 (default: the releases known "
        "to run); run and compared in version order",
    )
    parser.add_argument(
        "--out",
        default=str(REPO_ROOT / "reports" / "matrix"),
        help="where <version>/results.json, matrix.md, matrix.html and the comparisons go",
    )
    parser.add_argument(
        "--state-dir",
        default=environment("CONFORMANCE_STATE_DIR") or str(REPO_ROOT / ".conformance"),
        help="run journals and the installed releases [env CONFORMANCE_STATE_DIR]",
    )
    parser.add_argument("--tier", default="gate", choices=("gate", "nightly"))
    parser.add_argument("--smoke", action="store_true", help=f"only the SDK and REST smoke cases ({', '.join(SMOKE)})")
    parser.add_argument(
        "pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="passed to each run's pytest, e.g. -- -k duplicate"
    )


def parse_versions(text: str) -> list[str]:
    chosen = [releases.check_version(v) for v in text.split(",") if v.strip()]
    if not chosen:
        raise ConfigError("--versions names no release")
    if len(set(chosen)) != len(chosen):
        raise ConfigError(f"--versions names a release twice: {text}")
    return sorted(chosen, key=lambda v: tuple(int(p) for p in v.split(".")))


def _pytest_command(version: str, args, reports: Path) -> list[str]:
    given = [a for a in args.pytest_args if a.split("::")[0].startswith("tests")]
    paths = list(SMOKE) if args.smoke else ([] if given else ["tests"])
    return [
        sys.executable,
        "-m",
        "pytest",
        *paths,
        "-q",
        "-p",
        "no:cacheprovider",
        "--assert=plain",  # no rewriting of the plugins' modules at each start (killrate_runner.py)
        "--embedded-version",
        version,
        "--tier",
        args.tier,
        "--state-dir",
        args.state_dir,
        "--reports-dir",
        str(reports),
        *args.pytest_args,
    ]


def run_release(version: str, args, out: Path) -> ReleaseRun:
    reports = out / version
    results = reports / "results.json"
    results.unlink(missing_ok=True)  # never render a stale run as this one
    print(f"=== Milvus {version} (profile {releases.release_profile(version)}) ===", flush=True)
    status = subprocess.call(_pytest_command(version, args, reports), cwd=REPO_ROOT)
    return ReleaseRun(version, status, results)


def overall_status(runs: list[ReleaseRun]) -> int:
    statuses = {r.exit_status for r in runs}
    if ExitStatus.INTERRUPTED in statuses:
        return ExitStatus.INTERRUPTED
    if ExitStatus.CONFIGURATION in statuses or PYTEST_NO_TESTS in statuses:
        return ExitStatus.CONFIGURATION
    if statuses - {ExitStatus.CONFORMS, ExitStatus.NONCONFORMANT}:
        return ExitStatus.INFRASTRUCTURE
    return ExitStatus.NONCONFORMANT if ExitStatus.NONCONFORMANT in statuses else ExitStatus.CONFORMS


def render(runs: list[ReleaseRun], out: Path) -> list[str]:
    """matrix.md/.html over the runs that wrote results, and each release against the next."""
    from milvus_conformance.reports.compare import compare, render_comparison_md
    from milvus_conformance.reports.matrix import render_matrix_html, render_matrix_md
    from milvus_conformance.results.io import read_results

    done = [(r.version, read_results(r.results)) for r in runs if r.results.is_file()]
    lines = []
    if done:
        results = [result for _, result in done]
        (out / "matrix.md").write_text(render_matrix_md(results), encoding="utf-8")
        (out / "matrix.html").write_text(render_matrix_html(results), encoding="utf-8")
        lines.append(f"matrix: {out / 'matrix.md'}, {out / 'matrix.html'}")
    for (old_v, old), (new_v, new) in zip(done, done[1:]):
        comparison = compare(old, new)
        path = out / f"compare-{old_v}-to-{new_v}.md"
        path.write_text(render_comparison_md(comparison), encoding="utf-8")
        lines.append(
            f"{old_v} -> {new_v}: {len(comparison.requirement_changes)} requirement(s) and "
            f"{len(comparison.changed_outcomes)} case outcome(s) changed, "
            f"{len(comparison.new_failures)} new failure(s) ({path})"
        )
    return lines


def run(args) -> int:
    try:
        versions = parse_versions(args.versions)
        for version in versions:  # install everything first: fail before any server runs
            releases.resolve(version, Path(args.state_dir))
    except HarnessError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return exc.exit_status
    out = Path(args.out)
    return run_and_render(versions, lambda version: run_release(version, args, out), out, "Milvus {}")


def run_and_render(names: list[str], run_one: Callable[[str], ReleaseRun], out: Path, title: str = "{}") -> int:
    """The runs one after the other (`run_one(name)`, stopping after an interrupted one), then each
    run's exit status (`title` formats its name) and the matrix over them in `out`; returns the
    overall exit status. Shared by `matrix-run` and `lookalikes`."""
    out.mkdir(parents=True, exist_ok=True)
    runs: list[ReleaseRun] = []
    try:
        for name in names:
            runs.append(run_one(name))
            if runs[-1].exit_status == ExitStatus.INTERRUPTED:
                break
    except HarnessError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("conformance: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    print("=== matrix ===")
    for r in runs:
        print(f"{title.format(r.version)}: exit {r.exit_status}")
    for line in render(runs, out):
        print(line)
    return overall_status(runs)
