"""`milvus-conformance serve` (make serve): the embedded target in the foreground, for exploring it
with curl or pymilvus and for running the suite against it from another terminal."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from milvus_conformance import REPO_ROOT
from milvus_conformance.clients.rest import curl_tls_options as _curl_tls
from milvus_conformance.settings import environment, flag
from milvus_conformance.errors import ExitStatus, HarnessError
from milvus_conformance.target.embedded import releases
from milvus_conformance.target.embedded.target import EmbeddedTarget

HELP = "start the embedded target (Milvus 2.3.5 or --embedded-version + REST v2 gateway) until Ctrl-C"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--state-dir",
        default=str(REPO_ROOT / ".conformance"),
        help="where the server's state file and installed releases live",
    )
    parser.add_argument(
        "--embedded-version",
        default=environment("CONFORMANCE_EMBEDDED_VERSION"),
        help="Milvus release to run (default 2.3.5) [env CONFORMANCE_EMBEDDED_VERSION]",
    )
    parser.add_argument(
        "--tls",
        choices=("one-way", "mutual"),
        default=None,
        help="serve TLS (throw-away CA, removed at stop); mutual also requires a client certificate",
    )
    parser.add_argument(
        "--standard-errors",
        action="store_true",
        default=flag("CONFORMANCE_EMBEDDED_STANDARD_ERRORS"),
        help="the gateway answers business errors with standard HTTP statuses (Milvus "
        "PR #53092) [env CONFORMANCE_EMBEDDED_STANDARD_ERRORS]",
    )


def run(args) -> int:
    stop, serving = threading.Event(), threading.Event()

    def on_signal(*_):
        stop.set()
        if not serving.is_set():
            raise KeyboardInterrupt  # while starting: abandon the start at once (start() cleans up)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    try:
        version = releases.choose_release(args.embedded_version, embedded=True)
    except HarnessError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return exc.exit_status
    target = EmbeddedTarget(args.state_dir, version, args.tls, standard_errors=args.standard_errors)
    print(f"starting the embedded target (Milvus {version} + REST v2 gateway)...", flush=True)
    try:
        ep = target.start()
    except HarnessError as exc:
        target.stop()
        print(f"conformance: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        target.stop()
        print("conformance: interrupted while starting; stopped.", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    serving.set()
    try:
        print(
            f"gRPC URI:      {ep.grpc_uri}\n"
            f"REST base URL: {ep.base_url}\n"
            f"token:         {ep.token}   (Milvus's documented default root credentials)\n"
            + _tls_lines(ep.tls)
            + f"try:   curl -s {' '.join(_curl_tls(ep.tls))} -X POST {ep.base_url}/v2/vectordb/users/list "
            f"-H 'Authorization: Bearer {ep.token}' -d '{{}}'\n"
            f"suite: {suite_command()} --base-url {ep.base_url} --grpc-uri {ep.grpc_uri} "
            f"--token {ep.token} --profile {releases.embedded_profile(version, args.standard_errors)}{_suite_tls(ep.tls)}\n"
            "Ctrl-C stops everything.",
            flush=True,
        )
        stop.wait()
    finally:
        print("stopping...", flush=True)
        target.stop()
    print("stopped.", flush=True)
    return 0


def suite_command(cwd: Path | None = None) -> str:
    """`<this environment's pytest> <the suite's tests>`, as paths that work from `cwd` (the
    checkout, where `make serve` runs): a bare `pytest` may be another environment's."""
    cwd = (cwd or Path.cwd()).resolve()
    pytest = Path(sys.executable).parent / "pytest"
    return " ".join(_shown(path, cwd) for path in (pytest, REPO_ROOT / "tests"))


def _shown(path: Path, cwd: Path) -> str:
    absolute = path.absolute()
    return str(absolute.relative_to(cwd)) if absolute.is_relative_to(cwd) else str(absolute)


def _tls_lines(tls) -> str:
    if not tls.ca_cert:
        return ""
    lines = f"CA:            {tls.ca_cert}   (made for this server only)\n"
    if tls.mutual:
        lines += f"client cert:   {tls.client_cert}\nclient key:    {tls.client_key}\n"
    return lines


def _suite_tls(tls) -> str:
    options = f" --ca-cert {tls.ca_cert}" if tls.ca_cert else ""
    if tls.mutual:
        options += f" --client-cert {tls.client_cert} --client-key {tls.client_key}"
    return options
