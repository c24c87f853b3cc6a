"""`milvus-conformance lookalikes` (make lookalikes): the gate tier against each Milvus look-alike
(PyPI milvus-lite 2.5.1 and 3.2.2, CF section 8) and against the embedded Milvus 2.3.5, then their
matrix, the look-alikes beside Milvus.

Each look-alike is installed first (PyPI, into its own venv under the state dir), then started on a
free port, run as a vendor would run it (`--grpc-uri URI --token root:Milvus --profile auto
--allow-auth-disabled`: it has no REST API and accepts any token), and stopped. Expected: exit 1 with
the operations it lacks named up front.

Exit status: 0 every run conforms, 1 some run does not (the look-alikes do not), 2 interrupted, 3 a
run had no verdict, 4 bad configuration.
"""

from __future__ import annotations


import subprocess
import sys
from pathlib import Path

from milvus_conformance import REPO_ROOT
from milvus_conformance.errors import HarnessError
from milvus_conformance.settings import environment
from milvus_conformance.matrix_run import ReleaseRun, run_and_render
from milvus_conformance.target.lookalikes.catalogue import LOOKALIKES, lookalike
from milvus_conformance.target.lookalikes.install import ensure_installed
from milvus_conformance.target.lookalikes.server import TOKEN, LookalikeServer

HELP = "run the suite against the Milvus look-alikes (milvus-lite) and Milvus 2.3.5; write their matrix"
BASELINE = "2.3.5"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--names", default=",".join(LOOKALIKES), help=f"comma-separated look-alikes (default: {','.join(LOOKALIKES)})"
    )
    parser.add_argument(
        "--out",
        default=str(REPO_ROOT / "reports" / "lookalikes"),
        help="where <name>/results.json, matrix.md and matrix.html go",
    )
    parser.add_argument(
        "--state-dir",
        default=environment("CONFORMANCE_STATE_DIR") or str(REPO_ROOT / ".conformance"),
        help="run journals and the installed look-alikes [env CONFORMANCE_STATE_DIR]",
    )
    parser.add_argument("--no-baseline", action="store_true", help=f"do not run the embedded Milvus {BASELINE} column")
    parser.add_argument(
        "pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="passed to each run's pytest, e.g. -- -k duplicate"
    )


def pytest_command(reports: Path, state_dir: str, extra: list[str], grpc_uri: str | None) -> list[str]:
    target = (
        ["--grpc-uri", grpc_uri, "--token", TOKEN, "--profile", "auto", "--allow-auth-disabled"] if grpc_uri else []
    )
    given = [a for a in extra if a.split("::")[0].startswith("tests")]
    return [
        sys.executable,
        "-m",
        "pytest",
        *([] if given else ["tests"]),
        "-q",
        "-p",
        "no:cacheprovider",
        "--assert=plain",  # no rewriting of the plugins' modules at each start (killrate_runner.py)
        *target,
        "--state-dir",
        state_dir,
        "--reports-dir",
        str(reports),
        *extra,
    ]


def label(results: Path, name: str) -> None:
    """Name the run's column (a look-alike's URI is a random port; 2.5.1 does not say its version)."""
    from milvus_conformance.reports import write_all
    from milvus_conformance.results.io import read_results

    if results.is_file():
        run = read_results(results)
        run.target.label = name
        write_all(run, results.parent)


def run_one(name: str, args, out: Path) -> ReleaseRun:
    reports = out / name
    results = reports / "results.json"
    results.unlink(missing_ok=True)
    print(f"=== {name} ===", flush=True)
    if name == BASELINE:
        status = subprocess.call(pytest_command(reports, args.state_dir, args.pytest_args, None), cwd=REPO_ROOT)
        label(results, f"Milvus {BASELINE} (embedded)")
        return ReleaseRun(name, status, results)
    with LookalikeServer(lookalike(name), Path(args.state_dir)) as server:
        print(f"{name}: gRPC {server.grpc_uri} (listening {server.start_s:.2f} s after start)", flush=True)
        status = subprocess.call(
            pytest_command(reports, args.state_dir, args.pytest_args, server.grpc_uri), cwd=REPO_ROOT
        )
    label(results, name)
    return ReleaseRun(name, status, results)


def run(args) -> int:
    try:
        names = [lookalike(n.strip()).name for n in args.names.split(",") if n.strip()]
        for name in names:  # install everything first (PyPI)
            ensure_installed(Path(args.state_dir), LOOKALIKES[name])
    except HarnessError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return exc.exit_status
    out = Path(args.out)
    columns = ([] if args.no_baseline else [BASELINE]) + names
    return run_and_render(columns, lambda name: run_one(name, args, out), out)
