"""Request-Timeout header values (S000 'Header parameters': Request-Timeout, integer; CF section 3:
integer seconds, default 30 s, an unparsable value is ignored up to 2.6 and refused on 3.0-dev,
0 UNCONFIRMED). `data`: `value` - the header; `key` - the profile key naming the outcome kind
(None: the value is a valid integer, outcome `ok`).

A value with surrounding spaces (" 5") cannot be a case: HTTP strips a field value's surrounding
whitespace (RFC 9110 section 5.5), so a server sees "5"; httpx refuses to send it at all."""
from milvus_conformance.harness.scenarios import Row

TIMEOUT = "USER-CREATE-REQUEST-TIMEOUT"
UNPARSABLE, ZERO = "rest.request_timeout.unparsable", "rest.request_timeout.zero"

REQUEST_TIMEOUT_ROWS = [
    Row("thirty-seconds", (TIMEOUT,), data={"value": "30", "key": None}),
    Row("letters", (TIMEOUT,), data={"value": "abc", "key": UNPARSABLE}),
    Row("fraction", (TIMEOUT,), data={"value": "1.5", "key": UNPARSABLE}),
    Row("unit-suffix", (TIMEOUT,), data={"value": "5s", "key": UNPARSABLE}),
    Row("zero", (TIMEOUT,), data={"value": "0", "key": ZERO}),
]
