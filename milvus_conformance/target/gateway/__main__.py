"""CLI: ``python -m milvus_conformance.target.gateway --milvus 127.0.0.1:19530 [--host H] [--port 0]
[--authorization-enabled true|false] [--standard-error-status true|false]``.

Prints exactly one line ``gateway listening on http://HOST:PORT`` to stdout, then serves until
SIGINT or SIGTERM and exits 0 without a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from milvus_conformance.target.gateway.app import start_gateway

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _bool(text: str) -> bool:
    v = text.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise argparse.ArgumentTypeError("expected true or false, got %r" % text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m milvus_conformance.target.gateway",
        description="REST v2 user-route gateway in front of a Milvus gRPC server",
    )
    p.add_argument("--milvus", required=True, help="Milvus gRPC address, e.g. 127.0.0.1:19530")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--authorization-enabled", type=_bool, default=True, metavar="true|false")
    p.add_argument(
        "--standard-error-status",
        type=_bool,
        default=False,
        metavar="true|false",
        help="business errors with standard HTTP statuses (Milvus PR #53092)",
    )
    args = p.parse_args(argv)

    stop = threading.Event()

    def _on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        gw = start_gateway(
            milvus_address=args.milvus,
            host=args.host,
            port=args.port,
            authorization_enabled=args.authorization_enabled,
            standard_error_status=args.standard_error_status,
        )
    except OSError as e:
        print("gateway: cannot listen on %s:%s: %s" % (args.host, args.port, e.strerror or e), file=sys.stderr)
        return 1
    print("gateway listening on %s" % gw.base_url, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        gw.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
