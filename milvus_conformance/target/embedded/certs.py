"""Throw-away certificates for a TLS run of the embedded target: a CA made for this run only, a server
certificate for 127.0.0.1 and localhost, and a client certificate for mutual TLS, all signed by that
CA (cryptography). Keys are written owner-readable only and never leave the run's directory."""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_NAMES = ("localhost",)
SERVER_IPS = ("127.0.0.1",)
VALIDITY = datetime.timedelta(days=2)  # long enough for a run, short enough to be worthless


@dataclass(frozen=True)
class CertSet:
    ca_cert: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


@dataclass(frozen=True)
class _Issuer:
    name: x509.Name
    key: ec.EllipticCurvePrivateKey


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "milvus-conformance (throw-away)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject: x509.Name, issuer: x509.Name, key) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
    )


def make_ca(common_name: str = "milvus-conformance run CA") -> tuple[x509.Certificate, _Issuer]:
    key = _key()
    name = _name(common_name)
    cert = (
        _builder(name, name, key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, _Issuer(name, key)


def issue(
    issuer: _Issuer, common_name: str, *, server: bool, dns_names=SERVER_NAMES, ip_addresses=SERVER_IPS
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A leaf certificate: for a server (with the given subject alternative names) or a client."""
    key = _key()
    builder = (
        _builder(_name(common_name), issuer.name, key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    )
    if server:
        sans = [x509.DNSName(n) for n in dns_names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in ip_addresses]
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(issuer.key, hashes.SHA256()), key


def _write_cert(path: Path, cert: x509.Certificate) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def _write_key(path: Path, key) -> Path:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def write_cert_set(directory: Path, prefix: str = "") -> CertSet:
    """A fresh CA, a server certificate (127.0.0.1, localhost) and a client certificate in
    `directory`; `prefix` lets a second, unrelated set live beside the first (e.g. a foreign CA)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ca, issuer = make_ca(f"milvus-conformance {prefix or 'run'} CA")
    server, server_key = issue(issuer, "127.0.0.1", server=True)
    client, client_key = issue(issuer, "conformance-client", server=False)
    return CertSet(
        ca_cert=_write_cert(directory / f"{prefix}ca.pem", ca),
        server_cert=_write_cert(directory / f"{prefix}server.pem", server),
        server_key=_write_key(directory / f"{prefix}server.key", server_key),
        client_cert=_write_cert(directory / f"{prefix}client.pem", client),
        client_key=_write_key(directory / f"{prefix}client.key", client_key),
    )
