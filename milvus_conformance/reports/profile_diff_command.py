"""`milvus-conformance profile-diff A B [--md FILE]`: prints the diff (Markdown); exit 0, or 4 when a
profile cannot be read."""
from __future__ import annotations

import sys
from pathlib import Path

from milvus_conformance.errors import ConfigError, ExitStatus

HELP = "compare two profiles key by key (names or files), differences first"


def add_arguments(parser) -> None:
    parser.add_argument("a", metavar="A", help="a profile name (profiles/A.yaml) or file")
    parser.add_argument("b", metavar="B", help="a profile name or file")
    parser.add_argument("--md", metavar="FILE", help="also write the Markdown table to this file")


def run(args) -> int:
    from milvus_conformance.contract.profile_diff import diff_profiles, open_profile
    from milvus_conformance.reports.profile_diff import render_profile_diff_md

    try:
        text = render_profile_diff_md(diff_profiles(open_profile(args.a), open_profile(args.b)))
        if args.md:
            Path(args.md).parent.mkdir(parents=True, exist_ok=True)
            Path(args.md).write_text(text, encoding="utf-8")
    except ConfigError as exc:
        print(f"conformance: {' '.join(str(exc).split())}", file=sys.stderr)
        return ExitStatus.CONFIGURATION
    except OSError as exc:
        print(f"conformance: cannot write {args.md}: {exc.strerror or exc}", file=sys.stderr)
        return ExitStatus.CONFIGURATION
    sys.stdout.write(text)
    return ExitStatus.CONFORMS
