"""SDK only (pymilvus `utility.create_user`): each outcome kind's `{exception, code}`."""
from __future__ import annotations

from milvus_conformance.discover.findings import Findings
from milvus_conformance.discover.outcome import describe
from milvus_conformance.discover.probes_password import Limits, password_of
from milvus_conformance.discover.session import PASSWORD, Session

OUTCOME = "sdk.outcome."
NO_SUCH_ALIAS = "conformance-no-such-alias"
IMPOSSIBLE_S = 0.0001          # a deadline the server cannot meet
TIMEOUT_ATTEMPTS = 9           # P(never the client's own deadline) ~ 0.4^9 on 2.3.5


def probe_sdk(s: Session, f: Findings, limits: Limits, non_admin_client) -> None:
    name = s.name()
    first = s.sdk_create(name, PASSWORD, keep=True)
    if not first.accepted:
        for kind in ("invalid_value", "bcrypt_error", "missing_field", "duplicate",
                     "permission_denied", "timeout", "unknown_alias"):
            f.unknown(OUTCOME + kind, f"a valid create through the SDK raised {describe(first.shape)}")
        return
    _outcome(f, "duplicate", s.sdk_create(name, PASSWORD), "the same create twice")
    s.drop(name)
    _outcome(f, "invalid_value", s.sdk_create(s.name(first="1"), PASSWORD), "a user starting with 1")
    if f.value("password.over_max_kind") == "bcrypt_error":
        over = password_of(limits.high + 1)
        _outcome(f, "bcrypt_error", s.sdk_create(s.name(), over), f"a password of {len(over)} bytes")
    else:
        f.unknown(OUTCOME + "bcrypt_error", "no separate hashing error: over the maximum is "
                                            f"{f.value('password.over_max_kind')}")
    _outcome(f, "missing_field", s.sdk_create(s.name(), None), "password=None")
    _outcome(f, "unknown_alias", s.sdk_create(s.name(), PASSWORD, using=NO_SUCH_ALIAS),
             f"using={NO_SUCH_ALIAS!r}")
    if non_admin_client is None:
        f.unknown(OUTCOME + "permission_denied", "no user without the privilege could connect")
    else:
        _outcome(f, "permission_denied", s.sdk_create(s.name(), PASSWORD, client=non_admin_client),
                 "a create by a user without privileges")
    _timeout(s, f)


def _timeout(s: Session, f: Findings) -> None:
    """The client's deadline races the server's answer, so one call is not an observation. An
    exception other than the documented MilvusException is the deviation to report as soon as it is
    seen once; if none is seen in TIMEOUT_ATTEMPTS calls, the most frequent outcome is written."""
    seen: list[dict] = []
    for _ in range(TIMEOUT_ATTEMPTS):
        name = s.name()
        attempt = s.sdk_create(name, PASSWORD, timeout=IMPOSSIBLE_S)
        s.ledger.created(name)            # the server may perform a create the client gave up on
        s.drop(name)
        if attempt.accepted:
            continue
        seen.append(attempt.shape)
        if attempt.shape["exception"] != "MilvusException":
            break
    if not seen:
        f.unknown(OUTCOME + "timeout", f"timeout={IMPOSSIBLE_S} succeeded {TIMEOUT_ATTEMPTS} times")
        return
    shapes = [describe(x) for x in seen]
    chosen = seen[-1] if seen[-1]["exception"] != "MilvusException" else \
        max(seen, key=lambda x: seen.count(x))
    tally = ", ".join(f"{shape} x{shapes.count(shape)}" for shape in dict.fromkeys(shapes))
    f.found(OUTCOME + "timeout", chosen, f"timeout={IMPOSSIBLE_S} -> {describe(chosen)} ({len(seen)} "
                                         f"refused call(s): {tally})")


def _outcome(f: Findings, kind: str, attempt, what: str) -> None:
    if attempt.accepted:
        f.unknown(OUTCOME + kind, f"{what} returned (no error)")
    else:
        f.found(OUTCOME + kind, attempt.shape, f"{what} -> {describe(attempt.shape)}")
