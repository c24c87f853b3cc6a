"""TLS without a server: the options' validation (bad input: one line, exit 4), the throw-away
certificates, how each client library is handed the settings, what the reports record, and the
protected admins."""

import ipaddress
import subprocess
import sys
import time

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature

from milvus_conformance import REPO_ROOT
from milvus_conformance.clients.tls import INSECURE_NOTE, TlsSettings
from milvus_conformance.errors import ConfigError, ExitStatus
from milvus_conformance.harness.config import from_values
from milvus_conformance.harness.protected import protected_users
from milvus_conformance.results.model import Target
from milvus_conformance.target.embedded.certs import write_cert_set
from milvus_conformance.target.embedded.tls import EmbeddedTls


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return write_cert_set(tmp_path_factory.mktemp("certs"))


# ---- certificates --------------------------------------------------------------------------------
def test_server_certificate_names_127_0_0_1_and_localhost_and_is_signed_by_the_run_ca(certs):
    ca = x509.load_pem_x509_certificate(certs.ca_cert.read_bytes())
    server = x509.load_pem_x509_certificate(certs.server_cert.read_bytes())
    sans = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["localhost"]
    assert sans.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    server.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_keys_are_owner_only(certs):
    for key in (certs.server_key, certs.client_key):
        assert key.stat().st_mode & 0o077 == 0


def test_two_sets_share_no_ca(tmp_path):
    a, b = write_cert_set(tmp_path), write_cert_set(tmp_path, prefix="other-")
    assert a.ca_cert.read_bytes() != b.ca_cert.read_bytes()
    client = x509.load_pem_x509_certificate(b.client_cert.read_bytes())
    with pytest.raises((ValueError, InvalidSignature)):  # another issuer, or not its signature
        client.verify_directly_issued_by(x509.load_pem_x509_certificate(a.ca_cert.read_bytes()))


def test_milvus_flags_per_mode(certs):
    assert EmbeddedTls("one-way", certs).milvus_flags()[:2] == ["--tls-mode", "1"]
    flags = EmbeddedTls("mutual", certs).milvus_flags()
    assert flags[:2] == ["--tls-mode", "2"]
    assert flags[2:] == [
        "--server-pem-path",
        str(certs.server_cert),
        "--server-key-path",
        str(certs.server_key),
        "--ca-pem-path",
        str(certs.ca_cert),
    ]
    assert not EmbeddedTls("one-way", certs).client().mutual and EmbeddedTls("mutual", certs).client().mutual


# ---- how the clients are handed the settings -------------------------------------------------------
def test_pymilvus_kwargs(certs):
    one_way = TlsSettings(ca_cert=str(certs.ca_cert), server_name="milvus.internal")
    assert one_way.pymilvus_kwargs("http://h:1") == {}
    assert one_way.pymilvus_kwargs("https://h:1") == {
        "secure": True,
        "server_pem_path": str(certs.ca_cert),
        "server_name": "milvus.internal",
    }
    # pymilvus ignores the client certificate whenever server_pem_path is set: the CA goes as ca_pem_path
    mutual = TlsSettings(
        ca_cert=str(certs.ca_cert), client_cert=str(certs.client_cert), client_key=str(certs.client_key)
    )
    kwargs = mutual.pymilvus_kwargs("https://h:1")
    assert "server_pem_path" not in kwargs and kwargs["ca_pem_path"] == str(certs.ca_cert)
    assert kwargs["client_pem_path"] == str(certs.client_cert)
    # mutual TLS without --ca-cert: the roots grpcio would use anyway
    system = TlsSettings(client_cert=str(certs.client_cert), client_key=str(certs.client_key))
    assert system.pymilvus_kwargs("https://h:1")["ca_pem_path"].endswith("roots.pem")


def test_requests_and_httpx_settings(certs):
    assert TlsSettings(insecure=True).requests_kwargs() == {"verify": False}
    mutual = TlsSettings(ca_cert="ca", client_cert="c", client_key="k")
    assert mutual.requests_kwargs() == {"verify": "ca", "cert": ("c", "k")}
    assert TlsSettings(server_name="n").httpx_extensions() == {"sni_hostname": "n"}
    assert TlsSettings().httpx_extensions() == {}
    assert TlsSettings.from_dict(mutual.to_dict()) == mutual


# ---- options -----------------------------------------------------------------------------------
def _config(**values):
    return from_values(values, env={})


def test_given_target_options(certs):
    c = _config(
        base_url="https://h:1",
        grpc_uri="https://h:2",
        token="u:p",
        ca_cert=str(certs.ca_cert),
        client_cert=str(certs.client_cert),
        client_key=str(certs.client_key),
        tls_server_name="milvus.internal",
    )
    assert c.tls.mutual and c.tls.server_name == "milvus.internal" and c.embedded_tls is None
    assert _config(embedded_tls="mutual").embedded_tls == "mutual"


def test_environment_variables(certs):
    c = from_values(
        {},
        env={
            "CONFORMANCE_BASE_URL": "https://h:1",
            "CONFORMANCE_TOKEN": "u:p",
            "CONFORMANCE_CA_CERT": str(certs.ca_cert),
            "CONFORMANCE_CLIENT_CERT": str(certs.client_cert),
            "CONFORMANCE_CLIENT_KEY": str(certs.client_key),
            "CONFORMANCE_INSECURE_TLS": "1",
        },
    )
    assert c.tls.ca_cert == str(certs.ca_cert) and c.tls.mutual and c.tls.insecure


BAD = {
    "unknown-mode": ({"embedded_tls": "two-way"}, "--embedded-tls must be one-way or mutual"),
    "ca-for-embedded": ({"ca_cert": "CA"}, "embedded target makes its own certificates"),
    "embedded-tls-given": (
        {"base_url": "https://h:1", "token": "u:p", "embedded_tls": "one-way"},
        "embedded target only",
    ),
    "cert-without-key": (
        {"base_url": "https://h:1", "token": "u:p", "client_cert": "CERT"},
        "both --client-cert and --client-key",
    ),
    "missing-file": ({"base_url": "https://h:1", "token": "u:p", "ca_cert": "/nonexistent/ca.pem"}, "cannot read it"),
    "not-pem": ({"base_url": "https://h:1", "token": "u:p", "ca_cert": str(REPO_ROOT / "README.md")}, "not a PEM file"),
    "key-of-another-cert": (
        {"base_url": "https://h:1", "token": "u:p", "client_cert": "CERT", "client_key": "CAKEY"},
        "OpenSSL cannot load it (key_values_mismatch)",
    ),
    "key-as-ca": ({"base_url": "https://h:1", "token": "u:p", "ca_cert": "KEY"}, "--ca-cert: OpenSSL cannot load it"),
    "insecure-grpc": (
        {"grpc_uri": "https://h:2", "token": "u:p", "insecure_tls": True},
        "cannot skip certificate verification",
    ),
    "tls-without-https": (
        {"base_url": "http://h:1", "token": "u:p", "ca_cert": "CA"},
        "neither --base-url nor --grpc-uri is https://",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_tls_options_are_one_line_config_errors(case, certs):
    values, text = BAD[case]
    files = {"CA": certs.ca_cert, "CERT": certs.client_cert, "KEY": certs.client_key, "CAKEY": certs.server_key}
    values = {k: str(files.get(v, v)) if isinstance(v, str) else v for k, v in values.items()}
    with pytest.raises(ConfigError) as info:
        _config(**values)
    assert text in str(info.value) and "\n" not in str(info.value)


def test_insecure_tls_on_grpc_exits_4_with_one_line():
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
            "--grpc-uri",
            "https://127.0.0.1:9",
            "--token",
            "u:p",
            "--insecure-tls",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
    assert done.returncode == ExitStatus.CONFIGURATION, lines
    assert lines and all("cannot skip certificate verification" in ln for ln in lines), lines
    assert "Traceback" not in done.stdout + done.stderr
    assert time.monotonic() - started < 120


# ---- what the reports say ----------------------------------------------------------------------
def test_tls_note():
    assert Target("", "", "p", False).tls_note == ""
    insecure = Target("https://h", "", "p", False, tls=TlsSettings(insecure=True).describe())
    assert insecure.tls_note.startswith(INSECURE_NOTE)
    mutual = Target(
        "https://h",
        "",
        "p",
        False,
        tls=TlsSettings(ca_cert="/x/ca.pem", client_cert="/x/c.pem", client_key="/x/c.key").describe(),
    )
    assert mutual.tls_note == "TLS (mutual, CA /x/ca.pem, client certificate /x/c.pem)"
    assert "c.key" not in str(mutual.tls)  # the key's path is not even shown


def test_every_report_records_disabled_verification(tmp_path):
    from milvus_conformance.reports import REPORT_FILES, write_all
    from milvus_conformance.results.model import RunResult

    run = RunResult(
        "r1",
        Target("https://h:1", "", "embedded", False, tls=TlsSettings(insecure=True).describe()),
        "0",
        "0",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:01Z",
        [],
        [],
        harness_errors=["a run-level error, so that junit.xml has a suite"],
    )
    write_all(run, tmp_path)
    for name in REPORT_FILES:
        assert "verification" in (tmp_path / name).read_text() and (
            INSECURE_NOTE in (tmp_path / name).read_text() or name == "results.json"
        ), name
    assert '"verification": "disabled"' in (tmp_path / "results.json").read_text()


# ---- the protected admins -------------------------------------------------------------------------
def test_protected_admins_come_from_the_profile_and_the_token():
    assert protected_users("embedded", "root:Milvus") == {"root"}
    assert protected_users("zilliz-cloud", "ops:secret") == {"db_admin", "ops"}
    assert protected_users("zilliz-cloud", "an-api-key") == {"db_admin"}
    # a profile that does not say guards every name any profile protects
    assert protected_users("documented", None) >= {"root", "db_admin"}


def test_zilliz_cloud_asserts_only_what_is_sourced():
    """CF section 7: at most 100 users and the db_admin admin; everything else is null (skips)."""
    from milvus_conformance.contract.profiles import load_profile

    zilliz = load_profile("zilliz-cloud")
    valued = {k: zilliz[k] for k in zilliz.keys() if zilliz[k] is not None}
    assert valued == {"users.max_count": 100, "users.protected": ["db_admin"]}
    assert all("CF section 7" in zilliz.get(k).source for k in zilliz.keys())


# ---- the probe's wording of alerts a real server here does not send ---------------------------------
def _ssl_error(reason: str, cls=None):
    import ssl

    exc = (cls or ssl.SSLError)(1, reason)
    exc.reason = reason
    return exc


@pytest.mark.parametrize(
    "reason, mutual, says",
    [
        ("TLSV13_ALERT_CERTIFICATE_REQUIRED", False, "requires a client certificate"),
        ("SSLV3_ALERT_BAD_CERTIFICATE", True, "refused the client certificate"),
        ("SSLV3_ALERT_HANDSHAKE_FAILURE", False, "may require a client certificate (--client-cert"),
        ("WRONG_VERSION_NUMBER", False, "does not serve TLS"),
        ("SOMETHING_ELSE", False, "handshake with h:1 failed (something_else)"),
    ],
)
def test_alert_lines(reason, mutual, says):
    from milvus_conformance.clients.tls_probe import _alert_line

    tls = TlsSettings(client_cert="c.pem", client_key="c.key") if mutual else TlsSettings()
    line = _alert_line(_ssl_error(reason), "h:1", tls)
    assert line.startswith("TLS: ") and says in line and "\n" not in line


def test_expired_certificate_line():
    import ssl

    from milvus_conformance.clients.tls_probe import _verification_line

    exc = ssl.SSLCertVerificationError(1, "certificate has expired")
    exc.verify_code, exc.verify_message = 10, "certificate has expired"
    assert "outside its validity period" in _verification_line(exc, "h:1", "h", "h", 1, TlsSettings())
