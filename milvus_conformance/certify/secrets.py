"""What must never be in a bundle: a token, a password, a key or a certificate body. The suite redacts
these when it writes them (redact.py); this scan is the reviewer's independent check of every file.
Patterns, not values: the verifier does not know the vendor's token."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_CREDENTIAL = r"[A-Za-z0-9._~+/=:\-]{3,}"
_REDACTED = r"(?!\*\*\*|\$|<|\{)"  # ***, $TOKEN, <token>, {…}: placeholders, not secrets


@dataclass(frozen=True)
class Pattern:
    what: str
    regex: re.Pattern[str]
    credential_group: int = 0  # a group that must look like a credential, 0: any match counts

    def hits(self, text: str) -> list[str]:
        out = []
        for m in self.regex.finditer(text):
            value = m.group(self.credential_group) if self.credential_group else m.group(0)
            if not self.credential_group or _looks_like_credential(value):
                out.append(value)
        return out


def _looks_like_credential(value: str) -> bool:
    """'Bearer token.' in prose is not a secret; 'Bearer root:Milvus' or a long key is."""
    return bool(re.search(r"[:0-9=+/]", value)) or len(value) >= 16


PATTERNS = (
    Pattern("a PEM certificate or key body", re.compile(r"-----BEGIN [A-Z0-9 ]{3,40}-----")),
    # not an English word after it ("Basic credentials", "Bearer token:"): a credential holds a
    # capital or a digit, or a separator inside it (user:password, base64, an API key)
    Pattern(
        "an Authorization credential",
        re.compile(rf"\b(?i:bearer|basic)\s+{_REDACTED}(?=[a-z.]*(?:[A-Z0-9]|[_~+/=:\-][A-Za-z0-9]))({_CREDENTIAL})"),
        1,
    ),
    Pattern("a --token value", re.compile(rf"--token(?:=|\s+){_REDACTED}([^\s\"',\]]+)"), 1),
    Pattern(
        "a password or token field with a value",
        re.compile(
            r"(?i)[\"'](?:password|newPassword|oldPassword|token|secret|api_?key)[\"']\s*:\s*"
            rf"[\"']{_REDACTED}(?!<redacted)([^\"']+)[\"']"
        ),
        1,
    ),
    Pattern(
        "a private key in a key=value form",
        re.compile(r"(?i)\b(?:private[_-]?key|client[_-]?key[_-]?data)\s*[:=]\s*(\S{16,})"),
        1,
    ),
)


def scan(name: str, data: bytes) -> list[str]:
    """One finding per kind of secret in one file, naming the file and what was found (the value
    itself is never repeated: a finding line must not leak what it found)."""
    text = data.decode("utf-8", errors="replace")
    text = html.unescape(text)  # junit.xml and report.html escape what they quote
    findings = []
    for pattern in PATTERNS:
        count = len(pattern.hits(text))
        if count:
            findings.append(f"{name}: contains {pattern.what} ({count} place(s)); a bundle must not carry secrets")
    return findings
