"""`milvus-conformance` command line.

Exit statuses (errors.ExitStatus, the suite's own): 0 success / no regressions, 1 regressions found
(compare), 2 interrupted, 4 bad command line or input (missing, unreadable, non-JSON or
schema-invalid file, unwritable output). Bad input is reported as ONE line on stderr, never a
traceback, so CI logs show the cause directly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Callable, NamedTuple

from milvus_conformance.errors import ExitStatus
from milvus_conformance.results.io import ResultsFileError, read_results

PROG = "milvus-conformance"


class BadInput(Exception):
    """Anything the user can fix: reported as one line, exit 4."""


class Subcommand(NamedTuple):
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _write(path: str, text: str) -> None:
    try:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror or exc}") from None


# ---- report ---------------------------------------------------------------------------------
def _report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", metavar="RESULTS_JSON", help="a results.json written by a run")
    p.add_argument("--out", metavar="DIR", help="where to write the reports (default: the results file's directory)")


def _report(args: argparse.Namespace) -> int:
    from milvus_conformance.reports import write_all

    run = read_results(args.results)
    out = args.out or str(Path(args.results).parent)
    try:
        paths = write_all(run, out)
    except OSError as exc:
        raise BadInput(f"cannot write reports to {out}: {exc.strerror or exc}") from None
    for path in paths.values():
        print(path)
    return ExitStatus.CONFORMS


# ---- compare --------------------------------------------------------------------------------
def _strict_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--strict", action="store_true", help="refuse (exit 4) runs of different suite or spec versions or catalogues"
    )


def _read_mergeable(paths: list[str], strict: bool):
    """Read several results files that are to be put side by side; warn (or, --strict, refuse)
    when they are not like for like (reports/mergeable.py)."""
    from milvus_conformance.reports import mergeable

    for path in paths:
        problem = mergeable.schema_problem(path)
        if problem:
            raise BadInput(problem)
    runs = [read_results(path) for path in paths]
    notes = mergeable.check(runs, paths)
    if notes.warnings and strict:
        raise BadInput(f"--strict: {notes.warnings[0]}")
    for warning in notes.warnings:
        print(f"conformance: warning: {warning}", file=sys.stderr)
    return runs, notes


def _compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("baseline", metavar="BASELINE", help="results.json of the reference run")
    p.add_argument("current", metavar="CURRENT", help="results.json of the run to check")
    p.add_argument("--out", metavar="FILE.md", help="also write the comparison to this file")
    _strict_arg(p)


def _compare(args: argparse.Namespace) -> int:
    from milvus_conformance.reports.compare import compare, render_comparison_md

    (baseline, current), notes = _read_mergeable([args.baseline, args.current], args.strict)
    comparison = compare(baseline, current)
    text = notes.markdown() + render_comparison_md(comparison)
    if args.out:
        _write(args.out, text)
    sys.stdout.write(text)
    return ExitStatus.NONCONFORMANT if comparison.has_regressions else ExitStatus.CONFORMS


# ---- matrix ---------------------------------------------------------------------------------
def _matrix_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", metavar="RESULTS", nargs="+", help="results.json files, one per column")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML matrix")
    p.add_argument("--md", metavar="FILE", help="write the Markdown matrix to FILE (without it, it is printed)")
    _strict_arg(p)


def _matrix(args: argparse.Namespace) -> int:
    from milvus_conformance.reports.matrix import render_matrix_html, render_matrix_md

    runs, notes = _read_mergeable(args.results, args.strict)
    text = notes.markdown() + render_matrix_md(runs)
    if args.md:
        _write(args.md, text)
    if args.html:
        _write(args.html, render_matrix_html(runs))
    if args.md:  # the file holds it: print where, not the whole matrix again
        print("\n".join(path for path in (args.md, args.html) if path))
    else:
        sys.stdout.write(text)
    return ExitStatus.CONFORMS


# ---- subcommand registry --------------------------------------------------------------------
SUBCOMMANDS: dict[str, Subcommand] = {
    "report": Subcommand("re-render all reports from a results.json", _report_args, _report),
    "compare": Subcommand("compare two runs; exit 1 on regressions", _compare_args, _compare),
    "matrix": Subcommand("side-by-side matrix of several runs", _matrix_args, _matrix),
}

# name -> module path of a subcommand that needs more than the built-ins (imported only when the
# parser is built): the module defines HELP, add_arguments(parser) and run(args) -> int.
PLUGIN_SUBCOMMANDS: dict[str, str] = {
    "serve": "milvus_conformance.target.embedded.serve",
    "profile": "milvus_conformance.contract.profile_show",
    "matrix-run": "milvus_conformance.matrix_run",
    "lookalikes": "milvus_conformance.lookalikes_run",
    "discover": "milvus_conformance.discover.command",
    "profile-diff": "milvus_conformance.reports.profile_diff_command",
    "verify": "milvus_conformance.certify.command",
}


def _load_plugin(module_name: str) -> Subcommand:
    module = importlib.import_module(module_name)
    return Subcommand(module.HELP, module.add_arguments, module.run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Milvus Create User API conformance suite: reports and comparisons."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands = dict(SUBCOMMANDS)
    commands.update({name: _load_plugin(mod) for name, mod in PLUGIN_SUBCOMMANDS.items()})
    for name, command in commands.items():
        p = sub.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(p)
        p.set_defaults(handler=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage (or --help); return instead of exiting
        return ExitStatus.CONFORMS if exc.code in (0, None) else ExitStatus.CONFIGURATION
    try:
        return args.handler(args)
    except BrokenPipeError:  # `... | head` closed the pipe: end quietly, like any Unix tool
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitStatus.CONFORMS
    except (ResultsFileError, BadInput) as exc:
        print(f"conformance: {' '.join(str(exc).split())}", file=sys.stderr)
        return ExitStatus.CONFIGURATION
    except KeyboardInterrupt:
        print("conformance: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
