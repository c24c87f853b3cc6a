"""The TLS scenarios against the REAL embedded target, run by test_tls_embedded.py in a process of
their own (a server of their own beside any other: every port is its own). Writes one JSON document:
each scenario's exit status, output lines and seconds, so the tests can assert on them one by one.

    python selftests/tls_scenarios.py OUT.json [WORK_DIR]
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from milvus_conformance.errors import HarnessError  # noqa: E402
from milvus_conformance.harness.config import from_values  # noqa: E402
from milvus_conformance.harness.run_context import RunContext  # noqa: E402
from milvus_conformance.target.embedded.certs import write_cert_set  # noqa: E402
from milvus_conformance.target.embedded.target import EmbeddedTarget  # noqa: E402

# The gate tier's REST and SDK smoke: envelopes, the SDK's create in both styles, authentication,
# REST/SDK parity, and schemathesis over the same TLS session (listUsers).
SMOKE = (
    "test_rest_envelope or test_sdk_create_user or test_authorization_enabled or "
    "(test_generated_examples_and_coverage and listUsers)"
)
TOKEN = "root:Milvus"


def suite(*args: str, work: Path, name: str) -> dict:
    reports = work / f"reports-{name}"
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "--reports-dir",
            str(reports),
            "--state-dir",
            str(work / f"state-{name}"),
            *args,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [ln for ln in (done.stdout + "\n" + done.stderr).splitlines() if ln.strip()]
    return {
        "rc": done.returncode,
        "seconds": round(time.monotonic() - started, 2),
        "lines": lines,
        "reports": str(reports),
    }


def preflight(values: dict) -> dict:
    """The same preflight in-process: what the user waits for once the tool has started."""
    started = time.monotonic()
    try:
        ctx = RunContext(config=from_values(values, env={}), run_id="tlsprobe")
        ctx.start(report=lambda line: None)
        ctx.preflight()
        error, status = None, 0
    except HarnessError as exc:
        error, status = str(exc), exc.exit_status
    return {"error": error, "status": status, "seconds": round(time.monotonic() - started, 2)}


def discover(*args: str, work: Path, name: str) -> dict:
    """`discover` as a user runs it (the target options of a run); what its state dir keeps."""
    state = work / f"state-discover-{name}"
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "milvus_conformance.cli",
            "discover",
            "--name",
            f"tls-{name}",
            "--out",
            str(work / f"discovered-{name}.yaml"),
            "--state-dir",
            str(state),
            *args,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [ln for ln in (done.stdout + "\n" + done.stderr).splitlines() if ln.strip()]
    journals = sorted(str(p.relative_to(state)) for p in (state / "runs").rglob("*") if p.is_file())
    return {
        "rc": done.returncode,
        "seconds": round(time.monotonic() - started, 2),
        "lines": lines,
        "journals": journals,
        "profile": str(work / f"discovered-{name}.yaml"),
    }


OTHER_ADDRESS = "127.0.0.2"  # local too, but in no certificate: only --tls-server-name makes it pass


def relay(target_port: int) -> int:
    """A TCP relay on OTHER_ADDRESS to the gateway (which listens on 127.0.0.1 only): the REST
    client then reaches the gateway under an address its certificate does not carry."""
    listener = socket.create_server((OTHER_ADDRESS, 0))

    def pipe(a, b):
        with a, b:
            while data := a.recv(65536):
                b.sendall(data)

    def serve():
        while True:
            client, _ = listener.accept()
            upstream = socket.create_connection(("127.0.0.1", target_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def plain_http_server() -> int:
    """A plain HTTP server on a free port (what a TLS client meets at a URL that does not serve
    TLS): it answers whatever arrives, a TLS handshake included, with a plain HTTP 400."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer(client):
        with client:
            client.settimeout(5)
            try:
                client.recv(65536)
                client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass

    def serve():
        while True:
            client, _ = listener.accept()
            threading.Thread(target=answer, args=(client,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def plain_grpc_port(data_dir: str) -> int:
    """An internal port of the same Milvus that serves plain gRPC (root coordinator)."""
    config = yaml.safe_load((Path(data_dir) / "configs" / "milvus.yaml").read_text())
    return int(config["rootCoord"]["port"])


def plain_clients_fail(rest_url: str, grpc_uri: str) -> dict:
    """Real TLS: a plain-HTTP request and a plain gRPC channel both fail."""
    import grpc
    import httpx
    from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc

    http = httpx.post(
        rest_url.replace("https://", "http://") + "/v2/vectordb/users/list",
        content=b"{}",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    channel = grpc.insecure_channel(grpc_uri.split("://", 1)[1])
    try:
        milvus_pb2_grpc.MilvusServiceStub(channel).GetVersion(milvus_pb2.GetVersionRequest(), timeout=3)
        grpc_result = "OK"
    except grpc.RpcError as exc:
        grpc_result = exc.code().name
    finally:
        channel.close()
    return {"http_status": http.status_code, "http_body": http.text[:200], "grpc": grpc_result}


def main(out: Path, work: Path) -> None:
    """`work`: runs' reports and state (the caller's temporary directory, removed by it)."""
    foreign = write_cert_set(work / "foreign", prefix="foreign-")
    result: dict = {}
    target = EmbeddedTarget(work / "state-target", tls_mode="mutual")
    ep = target.start()
    try:
        rest, grpc_uri, tls = ep.base_url, ep.grpc_uri, ep.tls
        plain_rest = f"https://127.0.0.1:{plain_http_server()}"
        plain_grpc = f"https://127.0.0.1:{plain_grpc_port(target.server.info.data_dir)}"
        mutual = {"ca_cert": tls.ca_cert, "client_cert": tls.client_cert, "client_key": tls.client_key}
        failures = {  # failure mode -> the TLS option values that provoke it (URLs below)
            "untrusted": {},
            "name-mismatch": {**mutual, "tls_server_name": "wrong.example"},
            "client-cert-missing": {"ca_cert": tls.ca_cert},
            "client-cert-refused": {
                "ca_cert": tls.ca_cert,
                "client_cert": str(foreign.client_cert),
                "client_key": str(foreign.client_key),
            },
            "http-against-tls": {},
            "https-against-plain": {},
        }
        urls = {
            "rest": {"https-against-plain": plain_rest, "http-against-tls": rest.replace("https", "http")},
            "grpc": {"https-against-plain": plain_grpc, "http-against-tls": grpc_uri.replace("https", "http")},
        }
        given = {}
        for mode, values in failures.items():
            for surface, option in (("rest", "base_url"), ("grpc", "grpc_uri")):
                url = urls[surface].get(mode, rest if surface == "rest" else grpc_uri)
                given[f"{mode}/{surface}"] = {option: url, "token": TOKEN, **values}
        # every failure mode in-process on both surfaces (what the tool itself waits), and as the
        # whole suite (exit status, the one line) on REST; the gRPC URI's runs take the same path
        result["preflight"] = {name: preflight(values) for name, values in given.items()}
        # through an address the certificate does not name: httpx, requests (schemathesis) and
        # pymilvus must all verify --tls-server-name instead (the mutual smoke below goes this way)
        other_rest = f"https://{OTHER_ADDRESS}:{relay(int(rest.rsplit(':', 1)[1]))}"
        other_grpc = grpc_uri.replace("127.0.0.1", OTHER_ADDRESS)
        for surface, option, url in (("rest", "base_url", other_rest), ("grpc", "grpc_uri", other_grpc)):
            result["preflight"][f"other-address/{surface}"] = preflight({option: url, "token": TOKEN, **mutual})
        result["preflight"]["insecure/rest"] = preflight(
            {
                "base_url": rest,
                "token": TOKEN,
                "insecure_tls": True,
                "client_cert": tls.client_cert,
                "client_key": tls.client_key,
            }
        )
        jobs = {}
        with ThreadPoolExecutor(3) as pool:
            for name, values in given.items():
                if name.endswith("/rest") or name == "untrusted/grpc":
                    args = [a for k, v in values.items() for a in (f"--{k.replace('_', '-')}", v)]
                    jobs[name] = pool.submit(suite, *args, work=work, name=name.replace("/", "-"))
            jobs["smoke/mutual"] = pool.submit(
                suite,
                "--base-url",
                other_rest,
                "--grpc-uri",
                other_grpc,
                "--token",
                TOKEN,
                "--profile",
                "embedded",
                "--ca-cert",
                tls.ca_cert,
                "--client-cert",
                tls.client_cert,
                "--client-key",
                tls.client_key,
                "--tls-server-name",
                "localhost",
                "-k",
                SMOKE,
                work=work,
                name="smoke-mutual",
            )
            result["runs"] = {name: future.result() for name, future in jobs.items()}
        # discover takes the same target options: mutual TLS over REST only, and both surfaces;
        # one without the CA must fail in preflight and leave no journal behind
        mutual_args = [
            "--token",
            TOKEN,
            "--ca-cert",
            tls.ca_cert,
            "--client-cert",
            tls.client_cert,
            "--client-key",
            tls.client_key,
        ]
        result["discover"] = {
            "mutual-rest": discover("--base-url", rest, *mutual_args, work=work, name="mutual-rest"),
            "mutual-both": discover(
                "--base-url", rest, "--grpc-uri", grpc_uri, *mutual_args, work=work, name="mutual-both"
            ),
            "untrusted": discover("--base-url", rest, "--token", TOKEN, work=work, name="untrusted"),
        }
        result["plain_clients"] = plain_clients_fail(rest, grpc_uri)
        # throw-away keys: one base64 line of each, to look for in the reports
        result["secrets"] = {
            "token": TOKEN,
            "key_lines": [
                Path(path).read_text().splitlines()[1] for path in (tls.client_key, target.tls.certs.server_key)
            ],
        }
    finally:
        target.stop()
    result["runs"]["smoke/one-way"] = suite("--embedded-tls", "one-way", "-k", SMOKE, work=work, name="smoke-one-way")
    one_way = EmbeddedTarget(work / "state-one-way", tls_mode="one-way")  # as `make serve TLS=one-way`
    ep = one_way.start()
    try:
        result["discover"]["one-way-both"] = discover(
            "--base-url",
            ep.base_url,
            "--grpc-uri",
            ep.grpc_uri,
            "--token",
            TOKEN,
            "--ca-cert",
            ep.tls.ca_cert,
            work=work,
            name="one-way-both",
        )
    finally:
        one_way.stop()
    out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp()))
