"""A target's rate limit is neither a pass nor a fail. A request the target refused for its rate
limit (REST: HTTP 429, or a body `code` of Milvus's rate-limit error; SDK: that code) is backed off
and sent again only when it cannot have taken effect (it changes nothing: list, describe, a login
probe); anything else stops the case with a harness error naming the limit (exit 3, no verdict).

Codes: Milvus merr `ErrServiceRateLimit` = 8 ("rate limit exceeded", retriable); the legacy
`commonpb.ErrorCode.RateLimit` = 49 (pymilvus `common_pb2.RateLimit`). HTTP 429 is the standard
status (and PR #53092's `proxy.http.standardErrorStatus` for rate and quota limits)."""

from __future__ import annotations

import time
from typing import Any

from milvus_conformance.errors import HarnessError

RATE_LIMIT_STATUS = 429
RATE_LIMIT_CODES = (8, 49)
READ_ONLY = ("users/list", "users/describe")  # REST operations that change nothing
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)  # then give up: a harness error
MAX_RETRY_AFTER_S = 30.0


class RateLimited(HarnessError):
    """The target refused a request for its rate limit and it could not be retried safely (or
    retries ran out): the run has no verdict on it."""


def rest_limit(status: int, body: Any) -> str | None:
    """What names the limit in a REST answer ("HTTP 429", "code 8"), or None if it is not one. A
    429 whose body carries another Milvus code is that code's outcome, judged as such (e.g. the user
    cap, a quota error: 429 with code 9 under `standardErrorStatus`); a bare 429 (a load balancer's)
    is a rate limit."""
    code = body.get("code") if isinstance(body, dict) else None
    coded = type(code) is int and not isinstance(code, bool)
    if coded and code in RATE_LIMIT_CODES:
        found = ([f"HTTP {status}"] if status == RATE_LIMIT_STATUS else []) + [f"code {code}"]
    elif status == RATE_LIMIT_STATUS and not coded:
        found = [f"HTTP {status}"]
    else:
        return None
    message = body.get("message") if isinstance(body, dict) else None
    return ", ".join(found) + (f" {str(message)[:80]!r}" if message else "")


def sdk_limit(code: Any) -> str | None:
    return f"code {code}" if type(code) is int and code in RATE_LIMIT_CODES else None


def retry_after(headers) -> float | None:
    value = (headers.get("retry-after") or "").strip()
    try:
        return min(float(value), MAX_RETRY_AFTER_S) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own back-off


class Backoff:
    """One request's retries after rate-limit answers."""

    def __init__(self, what: str, retriable: bool):
        self.what, self.retriable, self.tries = what, retriable, 0

    def wait_or_raise(self, limit: str, after: float | None = None) -> None:
        """Sleep before the next try, or raise RateLimited naming the limit."""
        if not self.retriable:
            raise RateLimited(
                f"the target rate-limited {self.what} ({limit}): not retried, since it may "
                f"have taken effect; no verdict (lower --rate-limit, or raise the target's limit)"
            )
        if self.tries >= len(BACKOFF_S):
            raise RateLimited(
                f"the target kept rate-limiting {self.what} ({limit}) through {self.tries} "
                f"retries over {sum(BACKOFF_S):g} s; no verdict (lower --rate-limit)"
            )
        time.sleep(after if after is not None else BACKOFF_S[self.tries])
        self.tries += 1
