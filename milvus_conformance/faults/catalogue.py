"""The fault catalogue: every fault of every layer, looked up by name, and - for each requirement
without a fault of its own - why. REST faults: faults/rest_faults.py (HTTP proxy); SDK faults:
faults/sdk_faults.py (gRPC proxy) and faults/client_faults.py (pymilvus patched in the suite);
credential faults on both: faults/credential_faults.py."""

from __future__ import annotations

from milvus_conformance.faults.client_faults import CLIENT_FAULTS
from milvus_conformance.faults.credential_faults import CREDENTIAL_REST_FAULTS, CREDENTIAL_SDK_FAULTS
from milvus_conformance.faults.model import Fault
from milvus_conformance.faults.rest_faults import REST_FAULTS
from milvus_conformance.faults.sdk_faults import SDK_FAULTS
from milvus_conformance.faults.settle_faults import SETTLE_FAULTS

# requirement ID -> why no fault of this catalogue violates it (shown in killrate.md)
WITHOUT_FAULT: dict[str, str] = {}

# fault name -> the case that would kill it and is not in this suite yet (shown in killrate.md; the
# power self-test expects these to survive, strictly, so a merged case that kills one is noticed)
AWAITING_CASE: dict[str, str] = {}


def all_faults() -> list[Fault]:
    """REST faults, then SDK faults (gRPC, then client), then the slow credential caches of both
    proxies (faults/settle_faults.py)."""
    return REST_FAULTS + CREDENTIAL_REST_FAULTS + SDK_FAULTS + CREDENTIAL_SDK_FAULTS + CLIENT_FAULTS + SETTLE_FAULTS


def by_name(name: str) -> Fault:
    for fault in all_faults():
        if fault.name == name:
            return fault
    raise KeyError(f"no fault named {name!r}; known: {', '.join(f.name for f in all_faults())}")
