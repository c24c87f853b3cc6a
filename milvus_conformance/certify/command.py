"""`milvus-conformance verify BUNDLE`: one line per finding; exit 0 when the claim holds, 1 when it
does not, 4 when the file is not a bundle."""
from __future__ import annotations

import argparse

from milvus_conformance.certify.bundle import NotABundle, read_bundle
from milvus_conformance.certify.verify import claim, verify

HELP = "check a certified run's bundle.tar.gz (sums, JUnit vs results, profile, failures, skips, secrets)"
EXIT_HOLDS, EXIT_DOES_NOT_HOLD, EXIT_NOT_A_BUNDLE = 0, 1, 4


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", metavar="BUNDLE", help="reports/bundle.tar.gz written by a --certify run")


def run(args: argparse.Namespace) -> int:
    try:
        bundle = read_bundle(args.bundle)
    except NotABundle as exc:
        print(f"verify: not a bundle: {' '.join(str(exc).split())}")
        return EXIT_NOT_A_BUNDLE
    findings = verify(bundle)
    for finding in findings:
        print(f"verify: {' '.join(finding.split())}")
    if findings:
        print(f"verify: the claim does not hold ({len(findings)} finding(s)): {args.bundle}")
        return EXIT_DOES_NOT_HOLD
    print(f"verify: the claim holds: {claim(bundle)}")
    return EXIT_HOLDS
