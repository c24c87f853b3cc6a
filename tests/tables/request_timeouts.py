"""Request-Timeout header values (S000 'Header parameters': Request-Timeout, integer; CF section 3:
integer seconds, default 30 s, an unparsable value is ignored up to 2.6 and refused on 3.0-dev,
0 UNCONFIRMED). No builder (the create has a fresh name and a valid password). Data: `TimeoutData`.

A value with surrounding spaces (" 5") cannot be a case: HTTP strips a field value's surrounding
whitespace (RFC 9110 section 5.5), so a server sees "5"; httpx refuses to send it at all."""

from dataclasses import dataclass

from milvus_conformance.harness.scenarios import Row

UNPARSABLE, ZERO = "rest.request_timeout.unparsable", "rest.request_timeout.zero"


@dataclass(frozen=True)
class TimeoutData:
    value: str  # the Request-Timeout header sent
    key: str | None  # the profile key naming the outcome kind (None: a valid integer, ok)


REQUEST_TIMEOUT_ROWS = [
    Row("thirty-seconds", ("USER-CREATE-REQUEST-TIMEOUT",), data=TimeoutData("30", None)),
    Row("letters", ("USER-CREATE-REQUEST-TIMEOUT",), data=TimeoutData("abc", UNPARSABLE)),
    Row("fraction", ("USER-CREATE-REQUEST-TIMEOUT",), data=TimeoutData("1.5", UNPARSABLE)),
    Row("unit-suffix", ("USER-CREATE-REQUEST-TIMEOUT",), data=TimeoutData("5s", UNPARSABLE)),
    Row("zero", ("USER-CREATE-REQUEST-TIMEOUT",), data=TimeoutData("0", ZERO)),
]
