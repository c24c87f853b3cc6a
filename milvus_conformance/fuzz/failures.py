"""A generated case's failed check, as data: the requirements it breaks, the request (the admin's
Authorization as "$TOKEN"), the response and a curl reproduction. Raised by the checks (fuzz/checks.py)
as a `GeneratedFailure`; schemathesis keeps it as the failure's exception, and the operation's case
(fuzz/__init__.py) reads it back as it is: no requirement ID is formatted into text and parsed again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from milvus_conformance.results.model import Exchange
from milvus_conformance.results.surfaces import Surface


@dataclass(frozen=True)
class Finding:
    requirements: tuple[str, ...]  # the requirement IDs the failed check names, in full
    problem: str  # what is wrong, one line
    case: str  # the operation and phase that generated the request
    expected: str  # what the profile expected ("" when obvious)
    request: dict[str, Any]  # method, url, headers, body (passwords redacted)
    response: dict[str, Any]  # status, content_type, body (its first 2000 characters)
    reproduction: str  # the request as a curl command, token as "$TOKEN"

    def text(self) -> str:
        """The failure as schemathesis and the case's message show it."""
        lines = [f"[{', '.join(self.requirements)}] {self.problem}", f"  case: {self.case}"]
        lines += [f"  expected: {self.expected}"] if self.expected else []
        r = self.response
        lines += [
            f"  got: HTTP {r['status']} {r['content_type'] or '-'} {r['body'][:300]!r}",
            f"  reproduce: {self.reproduction}",
        ]
        return "\n".join(lines)

    def exchange(self, operation: str, redactor) -> Exchange:
        """The failing request as a results exchange, with every secret the run knows redacted."""
        return Exchange(
            Surface.REST,
            redactor.redact_json(self.request),
            redactor.redact_json(self.response),
            reproduction=redactor.redact_text(self.reproduction),
            operation=operation,
        )


class GeneratedFailure(AssertionError):
    """The exception a check raises: schemathesis wraps any AssertionError as a check failure."""

    def __init__(self, finding: Finding):
        super().__init__(finding)
        self.finding = finding

    def __str__(self) -> str:
        return self.finding.text()


def finding_of(failure) -> Finding | None:
    """The Finding behind a schemathesis failure, if one of our checks raised it."""
    exception = getattr(failure, "exception", None)
    return exception.finding if isinstance(exception, GeneratedFailure) else None
