"""Why a TLS connection fails, told in one line with the option that fixes it.

httpx and especially grpcio report a failed handshake as "unreachable" (grpcio: UNAVAILABLE after its
whole connect timeout), so preflight first makes the handshake itself with the Python ssl module,
with the run's own settings, and classifies the failure by OpenSSL's verification code or alert
reason (codes, not message texts). Every step has a short timeout: a verdict within seconds.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.errors import TlsError

TIMEOUT = 4.0  # connect, handshake and the first read, each
# X509_V_ERR_* (openssl/x509_vfy.h)
CERT_EXPIRED, CERT_NOT_YET_VALID = 10, 9
NAME_MISMATCH = {62, 64}  # HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH
# TLS alerts a server sends about the client's certificate (missing, unknown CA, refused)
CLIENT_CERT_ALERTS = (
    "CERTIFICATE_REQUIRED",
    "BAD_CERTIFICATE",
    "UNKNOWN_CA",
    "CERTIFICATE_UNKNOWN",
    "ACCESS_DENIED",
    "UNSUPPORTED_CERTIFICATE",
)
# TLS 1.2 servers say handshake_failure both for a missing client certificate and for no common
# version or cipher: both are named
AMBIGUOUS_ALERT = "ALERT_HANDSHAKE_FAILURE"
NOT_TLS_REASONS = (
    "WRONG_VERSION_NUMBER",
    "UNEXPECTED_EOF_WHILE_READING",
    "RECORD_LAYER_FAILURE",
    "PACKET_LENGTH_TOO_LONG",
    "HTTP_REQUEST",
)


def _endpoint(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def _where(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_https(url: str, tls: TlsSettings, grpc: bool) -> None:
    """Raise TlsError naming the cause if a TLS session with `url` cannot be set up with `tls`.
    A TCP connect failure is left to the caller's own "unreachable" path (it is not about TLS)."""
    host, port = _endpoint(url)
    where = _where(host, port)
    name = tls.server_name or host
    try:
        raw = socket.create_connection((host, port), timeout=TIMEOUT)
    except OSError:
        return
    try:
        try:
            _handshake_and_read(raw, tls, name, host, ask=not grpc)
        except _ClosedAfterHandshake:
            # An HTTP/1.1 server that refuses our certificate may close while our HEAD is unread:
            # the kernel then resets the connection and the alert is lost. Listen without asking.
            _handshake_and_read(socket.create_connection((host, port), timeout=TIMEOUT), tls, name, host, ask=False)
    except _ClosedAfterHandshake:
        raise TlsError(
            f"TLS: {where} closed the connection right after the TLS handshake: does it "
            "require a client certificate? (pass --client-cert and --client-key)"
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise TlsError(_verification_line(exc, where, name, host, port, tls)) from None
    except ssl.SSLError as exc:
        raise TlsError(_alert_line(exc, where, tls)) from None
    except (ConnectionResetError, BrokenPipeError) as exc:
        raise TlsError(
            f"TLS: {where} closed the connection during the TLS handshake "
            f"({type(exc).__name__}): it does not seem to serve TLS (use http://)"
        ) from None
    except socket.timeout:
        raise TlsError(
            f"TLS: {where} gave no TLS answer within {TIMEOUT:.0f} s: it does not seem to serve TLS (use http://)"
        ) from None
    except OSError as exc:
        raise TlsError(f"TLS: handshake with {where} failed: {exc.strerror or exc}") from None


class _ClosedAfterHandshake(Exception):
    pass


def _handshake_and_read(raw: socket.socket, tls: TlsSettings, name: str, host: str, ask: bool) -> None:
    """In TLS 1.3 the server judges the client's certificate after the client's handshake is done:
    a refusal arrives as an alert on the first read. gRPC servers speak first (HTTP/2 SETTINGS);
    an HTTP/1.1 server is asked (`ask`) for nothing but a HEAD of / (no credentials, no body)."""
    context = tls.ssl_context(alpn=("http/1.1",) if ask else ("h2", "http/1.1"))
    with context.wrap_socket(raw, server_hostname=name, do_handshake_on_connect=False) as conn:
        conn.settimeout(TIMEOUT)
        conn.do_handshake()
        try:
            if ask:
                conn.sendall(f"HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            conn.recv(1)
        except socket.timeout:
            return  # nothing said, nothing refused
        except (ConnectionResetError, BrokenPipeError, ssl.SSLEOFError):
            raise _ClosedAfterHandshake() from None


def _verification_line(
    exc: ssl.SSLCertVerificationError, where: str, name: str, host: str, port: int, tls: TlsSettings
) -> str:
    code = exc.verify_code
    if code in NAME_MISMATCH:
        names = peer_names(host, port, tls)
        carries = f": it names {', '.join(names)}" if names else ""
        return (
            f"TLS: the certificate of {where} is not valid for {name!r}{carries} "
            "(pass --tls-server-name with a name it carries)"
        )
    if code in (CERT_EXPIRED, CERT_NOT_YET_VALID):
        return f"TLS: the certificate of {where} is outside its validity period ({exc.verify_message})"
    fix = "pass --ca-cert with the CA that issued it" if tls.ca_cert else "pass --ca-cert"
    return f"TLS: the certificate of {where} is not trusted: {exc.verify_message} ({fix})"


def _alert_line(exc: ssl.SSLError, where: str, tls: TlsSettings) -> str:
    reason = exc.reason or ""
    if AMBIGUOUS_ALERT in reason:
        hint = (
            "a client certificate issued by a CA it trusts"
            if tls.mutual
            else "a client certificate (--client-cert and --client-key)"
        )
        return (
            f"TLS: {where} refused the handshake ({reason.lower()}): it may require {hint}, or a "
            "TLS version or cipher this client does not offer"
        )
    if any(alert in reason for alert in CLIENT_CERT_ALERTS) and "ALERT" in reason:
        if not tls.mutual:
            return f"TLS: {where} requires a client certificate (mutual TLS): pass --client-cert and --client-key"
        return (
            f"TLS: {where} refused the client certificate {tls.client_cert} ({reason.lower()}): "
            "pass --client-cert/--client-key issued by a CA the server trusts"
        )
    if reason in NOT_TLS_REASONS or isinstance(exc, ssl.SSLEOFError):
        return f"TLS: {where} does not serve TLS ({reason.lower() or 'no handshake'}): use http://"
    return f"TLS: handshake with {where} failed ({reason.lower() or exc})"


def peer_names(host: str, port: int, tls: TlsSettings) -> list[str]:
    """The names a server's certificate carries (subject alternative names), read without
    verifying it: only to say which --tls-server-name would match."""
    from cryptography import x509

    try:
        with (
            socket.create_connection((host, port), timeout=TIMEOUT) as raw,
            tls.ssl_context(verify=False).wrap_socket(raw, server_hostname=host) as conn,
        ):
            der = conn.getpeercert(binary_form=True)
        cert = x509.load_der_x509_certificate(der)
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return []
    return [str(n) for n in sans.get_values_for_type(x509.DNSName)] + [
        str(a) for a in sans.get_values_for_type(x509.IPAddress)
    ]


def serves_tls(url: str) -> bool:
    """For an http:// URL that failed: does the server answer a TLS handshake instead? (An alert
    is an answer too: a server that wants a client certificate speaks TLS.)"""
    host, port = _endpoint(url)
    try:
        raw = socket.create_connection((host, port), timeout=TIMEOUT)
    except OSError:
        return False
    try:
        with (
            TlsSettings()
            .ssl_context(verify=False)
            .wrap_socket(raw, server_hostname=host, do_handshake_on_connect=False) as conn
        ):
            conn.settimeout(TIMEOUT)
            conn.do_handshake()
            return True
    except ssl.SSLError as exc:
        return "ALERT" in (exc.reason or "")
    except OSError:
        return False


def plain_against_tls_line(url: str, option: str) -> str:
    host, port = _endpoint(url)
    return f"TLS: {_where(host, port)} serves TLS, not plain {url.split(':', 1)[0]}: use https:// in {option}"
