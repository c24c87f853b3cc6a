"""The kill-rate command (`make killrate`):

    python -m milvus_conformance.faults.killrate --reports-dir reports [--base-url U --grpc-uri G] [FAULT...]

runs the gate tier through each fault (faults/killrate_runner.py) and writes killrate.md and
killrate.json (reports/killrate.py). Exit 0 when the clean run conforms, 3 otherwise (no verdict
on the faults can be trusted then)."""

from __future__ import annotations

import argparse
from pathlib import Path

from milvus_conformance import REPO_ROOT
from milvus_conformance.errors import ExitStatus
from milvus_conformance.faults.killrate_runner import Endpoints, run
from milvus_conformance.reports.killrate import write


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="run the suite through each fault; write the kill rate")
    ap.add_argument("--reports-dir", default=str(REPO_ROOT / "reports"))
    ap.add_argument("--base-url", help="a given target (with --grpc-uri); default: start the embedded one")
    ap.add_argument("--grpc-uri")
    ap.add_argument("--token", default="root:Milvus")
    ap.add_argument("--profile", default="embedded")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="faults run side by side")
    ap.add_argument("--fill-server", action="store_true", help="a given target may be filled to its user cap")
    ap.add_argument("faults", nargs="*", help="fault names (default: all)")
    args = ap.parse_args(argv)
    grpc_uri = args.grpc_uri if not args.grpc_uri or "://" in args.grpc_uri else f"http://{args.grpc_uri}"
    ep = Endpoints(args.base_url, grpc_uri, args.token) if args.base_url and grpc_uri else None
    result = run(args.faults or None, ep, args.profile, jobs=args.jobs, fill=True if args.fill_server else None)
    write(result, Path(args.reports_dir))
    print(
        f"kill rate {result.killed}/{len(result.counted)} in {result.total_seconds} s; "
        f"see {args.reports_dir}/killrate.md"
    )
    return ExitStatus.CONFORMS if result.clean_run.exit_status == 0 else ExitStatus.INFRASTRUCTURE


if __name__ == "__main__":
    raise SystemExit(main())
