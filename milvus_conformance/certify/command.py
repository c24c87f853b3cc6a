"""`milvus-conformance verify BUNDLE`: one line per finding; exit 0 when the claim holds, 1 when it
does not, 4 when the file is not a bundle."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from milvus_conformance.certify.bundle import NotABundle, read_bundle
from milvus_conformance.certify.verify import claim, verify

HELP = "check a certified run's bundle.tar.gz (sums, JUnit vs results, profile, failures, skips, secrets)"
EXIT_HOLDS, EXIT_DOES_NOT_HOLD, EXIT_NOT_A_BUNDLE = 0, 1, 4


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", metavar="BUNDLE", help="reports/bundle.tar.gz written by a --certify run")
    p.add_argument("--json", metavar="FILE", help="also write the outcome as JSON (for a review bot)")


def run(args: argparse.Namespace) -> int:
    try:
        bundle = read_bundle(args.bundle)
    except NotABundle as exc:
        print(f"verify: not a bundle: {' '.join(str(exc).split())}")
        return _done(args, EXIT_NOT_A_BUNDLE, [" ".join(str(exc).split())], "")
    findings = [" ".join(f.split()) for f in verify(bundle)]
    for finding in findings:
        print(f"verify: {finding}")
    if findings:
        print(f"verify: the claim does not hold ({len(findings)} finding(s)): {args.bundle}")
        return _done(args, EXIT_DOES_NOT_HOLD, findings, claim(bundle))
    print(f"verify: the claim holds: {claim(bundle)}")
    return _done(args, EXIT_HOLDS, [], claim(bundle))


def _done(args: argparse.Namespace, status: int, findings: list[str], claimed: str) -> int:
    if args.json:
        outcome = {
            "bundle": str(args.bundle),
            "exit_status": status,
            "holds": status == EXIT_HOLDS,
            "is_bundle": status != EXIT_NOT_A_BUNDLE,
            "claim": claimed,
            "findings": findings,
        }
        Path(args.json).write_text(json.dumps(outcome, indent=2) + "\n", encoding="utf-8")
    return status
