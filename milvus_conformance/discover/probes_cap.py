"""The user cap (`users.max_count`, root included) and its outcome on both surfaces: only with
--fill-server, because it fills the server to its limit. Every user it creates is dropped after."""

from __future__ import annotations

from milvus_conformance.discover.findings import Findings
from milvus_conformance.discover.outcome import describe
from milvus_conformance.discover.session import PASSWORD, Session

FILL_LIMIT = 200  # most users a fill creates before it concludes there is no cap
KEYS = ("users.max_count", "rest.outcome.user_cap", "sdk.outcome.user_cap")


def probe_cap(s: Session, f: Findings, fill: bool) -> None:
    if not fill:
        for key in KEYS:
            f.unknown(key, "not probed: it fills the server to its user limit (opt in with --fill-server)")
        return
    existing = len(s.admin.user_names())
    created, refusal = 0, None
    with s.ledger.budget(FILL_LIMIT):
        try:
            while created < FILL_LIMIT:
                attempt = s.create(s.name(), PASSWORD, keep=True)
                if not attempt.accepted:
                    refusal = attempt
                    break
                created += 1
            if refusal is not None:
                _record(s, f, existing, created, refusal)
        finally:
            s.ledger.release_all()
    if refusal is None:
        for key in KEYS:
            f.unknown(key, f"{existing} users existed and {FILL_LIMIT} more were created: no cap found")


def _record(s: Session, f: Findings, existing: int, created: int, refusal) -> None:
    total = existing + created
    f.found(
        "users.max_count",
        total,
        f"{existing} user(s) existed, {created} more created, the next create -> {describe(refusal.shape)}",
    )
    surface = "rest" if s.rest is not None else "sdk"
    f.found(f"{surface}.outcome.user_cap", refusal.shape, f"a create with {total} users -> {describe(refusal.shape)}")
    if surface == "rest" and s.sdk is not None:
        sdk = s.sdk_create(s.name(), PASSWORD)
        if sdk.accepted:
            f.unknown("sdk.outcome.user_cap", f"REST refused a create at {total} users, the SDK did not")
        else:
            f.found("sdk.outcome.user_cap", sdk.shape, f"a create with {total} users -> {describe(sdk.shape)}")
    elif surface == "rest":
        f.unknown("sdk.outcome.user_cap", "no gRPC URI given (--grpc-uri)")
