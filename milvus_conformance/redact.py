"""Secrets never reach logs or reports: tokens, and every password a case uses, are redacted here.

One redactor per process. Everything that leaves a test (exchanges, messages, reproductions) passes
through `redact_text`/`redact_json` before it is stored.
"""

from __future__ import annotations

import base64
import bisect
import re
import threading
from typing import Any

_SECRET_KEYS = re.compile(r"password|newpassword|token|secret|apikey", re.IGNORECASE)
_AUTH_HEADER = re.compile(r"(?i)(authorization\s*[:=]\s*['\"]?)(\w+\s+)?[^'\"\s]+")


class Redactor:
    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._longest_first: tuple[str, ...] = ()  # the secrets, sorted once per change, not per text
        self._lock = threading.Lock()  # cases in threads add secrets while others redact

    def add(self, secret: str | None) -> None:
        """Register a secret; its base64 forms (Basic auth, gRPC metadata) are covered too."""
        if not secret or len(secret) < 3:
            return  # too short to redact by substring without mangling ordinary text
        forms = {secret, base64.b64encode(secret.encode()).decode()}
        if forms <= self._secrets:
            return
        with self._lock:  # copy on write: a text being redacted keeps the tuple it started with
            order = self._longest_first
            for form in forms - self._secrets:
                at = bisect.bisect_left(order, -len(form), key=lambda known: -len(known))
                order = (*order[:at], form, *order[at:])
            self._secrets |= forms
            self._longest_first = order

    def add_credentials(self, user: str, password: str) -> None:
        self.add(password)
        self.add(f"{user}:{password}")

    def redact_text(self, text: str) -> str:
        for secret in self._longest_first:
            if secret in text:
                text = text.replace(secret, "***")
        return _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}***", text)

    def redact_json(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (_placeholder(v) if _SECRET_KEYS.fullmatch(str(k)) else self.redact_json(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.redact_json(v) for v in value]
        if isinstance(value, str):
            return self.redact_text(value)
        return value

    def redact_headers(self, headers: dict[str, str]) -> dict[str, str]:
        out = {}
        for k, v in headers.items():
            if k.lower() in ("authorization", "proxy-authorization"):
                scheme = v.split(" ", 1)[0] if " " in v else ""
                out[k] = f"{scheme} ***".strip()
            else:
                out[k] = self.redact_text(v)
        return out


def _placeholder(value: Any) -> Any:
    """Keep the shape a boundary case needs (its length) without the secret."""
    if isinstance(value, str):
        return f"<redacted: {len(value)} chars, {len(value.encode('utf-8'))} bytes>"
    return value if value is None or isinstance(value, (int, float, bool)) else "<redacted>"


REDACTOR = Redactor()
