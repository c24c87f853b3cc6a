"""The TLS options of a run, validated before any request is sent (bad input: one line, exit 4)."""

from __future__ import annotations

import ssl
from pathlib import Path

from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.errors import ConfigError

# option name -> (environment variable, default, help); merged into config.OPTIONS / FLAGS
OPTIONS = {
    "ca_cert": ("CONFORMANCE_CA_CERT", None, "trust this CA (PEM file) on both surfaces (https://)"),
    "client_cert": ("CONFORMANCE_CLIENT_CERT", None, "mutual TLS: the client certificate (PEM file)"),
    "client_key": ("CONFORMANCE_CLIENT_KEY", None, "mutual TLS: the client certificate's key (PEM file)"),
    "tls_server_name": (
        "CONFORMANCE_TLS_SERVER_NAME",
        None,
        "the name to verify in the server's certificate when it is not the URL's host",
    ),
    "embedded_tls": (
        "CONFORMANCE_EMBEDDED_TLS",
        None,
        "serve the embedded target over TLS: one-way or mutual (throw-away CA per run)",
    ),
}
FLAGS = {
    "insecure_tls": (
        "CONFORMANCE_INSECURE_TLS",
        "do not verify the server's certificate (REST only: grpcio cannot; recorded in every report)",
    ),
}
EMBEDDED_TLS_MODES = ("one-way", "mutual")
PEM_MARKER = b"-----BEGIN "


def _pem_file(option: str, path: str | None) -> str | None:
    if not path:
        return None
    file = Path(path).expanduser()
    try:
        head = file.read_bytes()[:65536]
    except OSError as exc:
        raise ConfigError(f"{option} {path}: cannot read it ({exc.strerror or exc})") from None
    if PEM_MARKER not in head:
        raise ConfigError(f"{option} {path}: not a PEM file (no '-----BEGIN' line)")
    return str(file.resolve())


def _loadable(tls: TlsSettings) -> None:
    """The files are what they claim to be: a CA bundle, and a certificate with its own key."""
    steps = [("--ca-cert", lambda: ssl.create_default_context(cafile=tls.ca_cert))] if tls.ca_cert else []
    if tls.mutual:
        steps.append(
            (
                "--client-cert/--client-key",
                lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_cert_chain(tls.client_cert, tls.client_key),
            )
        )
    for option, load in steps:
        try:
            load()
        except ssl.SSLError as exc:
            raise ConfigError(f"{option}: OpenSSL cannot load it ({(exc.reason or str(exc)).lower()})") from None


def tls_from_values(
    get: dict, flags: dict, base_url: str | None, grpc_uri: str | None, embedded: bool
) -> tuple[TlsSettings, str | None]:
    """(the TLS settings for a given target, the embedded target's TLS mode or None)."""
    mode = get.get("embedded_tls") or None
    given = [o for o in ("ca_cert", "client_cert", "client_key", "tls_server_name") if get.get(o)]
    if mode is not None and mode not in EMBEDDED_TLS_MODES:
        raise ConfigError(f"--embedded-tls must be one-way or mutual, got {mode!r}")
    if embedded:
        if given or flags.get("insecure_tls"):
            names = [f"--{o.replace('_', '-')}" for o in given] + (
                ["--insecure-tls"] if flags.get("insecure_tls") else []
            )
            verb = "needs" if len(names) == 1 else "need"
            raise ConfigError(
                f"{', '.join(names)} {verb} a given target (--base-url/--grpc-uri); the "
                "embedded target makes its own certificates: --embedded-tls one-way|mutual"
            )
        return TlsSettings(), mode
    if mode is not None:
        raise ConfigError("--embedded-tls is for the embedded target only; a given target is never started")
    cert, key = get.get("client_cert"), get.get("client_key")
    if bool(cert) != bool(key):
        raise ConfigError("mutual TLS needs both --client-cert and --client-key")
    insecure = bool(flags.get("insecure_tls"))
    if insecure and grpc_uri and grpc_uri.startswith("https://"):
        raise ConfigError(
            "--insecure-tls: the SDK surface (pymilvus over grpcio) cannot skip certificate "
            "verification; pass --ca-cert FILE instead (or leave out --grpc-uri)"
        )
    tls = TlsSettings(
        ca_cert=_pem_file("--ca-cert", get.get("ca_cert")),
        client_cert=_pem_file("--client-cert", cert),
        client_key=_pem_file("--client-key", key),
        server_name=get.get("tls_server_name") or None,
        insecure=insecure,
    )
    _loadable(tls)
    if (tls.ca_cert or tls.mutual or tls.server_name or insecure) and not any(
        (u or "").startswith("https://") for u in (base_url, grpc_uri)
    ):
        raise ConfigError("TLS options are given but neither --base-url nor --grpc-uri is https://")
    return tls, mode
