"""CLI: ``python -m milvus_conformance.target.gateway --milvus 127.0.0.1:19530 [--host H] [--port 0]
[--authorization-enabled true|false] [--standard-error-status true|false]
[--tls-cert PEM --tls-key PEM [--tls-client-ca PEM]] [--upstream-ca PEM [--upstream-cert PEM --upstream-key PEM]]``.

The embedded target runs it as a process of its own (target/embedded/gateway_process.py).

Prints exactly one line ``gateway listening on http://HOST:PORT`` to stdout, then serves until
SIGINT or SIGTERM and exits 0 without a traceback.
"""

from __future__ import annotations

import argparse
import signal
import ssl
import sys
import threading

from milvus_conformance.target.gateway import tls
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
    p.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (and --tls-key)")
    p.add_argument("--tls-key", metavar="PEM")
    p.add_argument("--tls-client-ca", metavar="PEM", help="require a client certificate issued by this CA")
    p.add_argument("--upstream-ca", metavar="PEM", help="reach Milvus over TLS, trusting this CA")
    p.add_argument("--upstream-cert", metavar="PEM", help="the client certificate for Milvus (mutual TLS)")
    p.add_argument("--upstream-key", metavar="PEM")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key) or bool(args.upstream_cert) != bool(args.upstream_key):
        p.error("--tls-cert and --tls-key, --upstream-cert and --upstream-key go together")

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
            server_tls=tls.server_context(args.tls_cert, args.tls_key, args.tls_client_ca) if args.tls_cert else None,
            upstream_credentials=(
                tls.upstream_credentials(args.upstream_ca, args.upstream_cert, args.upstream_key)
                if args.upstream_ca
                else None
            ),
        )
    except (OSError, ssl.SSLError) as e:
        print("gateway: cannot serve on %s:%s: %s" % (args.host, args.port, e.strerror or e), file=sys.stderr)
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
