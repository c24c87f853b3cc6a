"""SDK only (pymilvus `utility.create_user`): each outcome kind's `{exception, code}`."""

from __future__ import annotations

from milvus_conformance.discover.findings import Findings, record_outcome
from milvus_conformance.discover.outcome import describe
from milvus_conformance.discover.probes_password import Limits, password_of
from milvus_conformance.discover.session import PASSWORD, Session
from milvus_conformance.results.surfaces import SDK_STYLES

OUTCOME = "sdk.outcome."
NO_SUCH_ALIAS = "conformance-no-such-alias"
IMPOSSIBLE_S = 0.0001  # a deadline the server cannot meet
TIMEOUT_ATTEMPTS = 100  # until the first deviation: it came in 1 to 10 of 12 calls on 2.3.5 (0.92^100 ~ 2e-4)


def probe_sdk(s: Session, f: Findings, limits: Limits, non_admin_client) -> None:
    name = s.name()
    first = s.sdk_create(name, PASSWORD, keep=True)
    if not first.accepted:
        for kind in (
            "invalid_value",
            "bcrypt_error",
            "missing_field",
            "duplicate",
            "permission_denied",
            "timeout",
            "unknown_alias",
        ):
            f.unknown(OUTCOME + kind, f"a valid create through the SDK raised {describe(first.shape)}")
        return
    _both(s, f, "duplicate", lambda: name, PASSWORD, "the same create again")
    s.drop(name)
    _both(s, f, "invalid_value", lambda: s.name(first="1"), PASSWORD, "a user starting with 1")
    if f.value("password.over_max_kind") == "bcrypt_error":
        over = password_of(limits.high + 1)
        _both(s, f, "bcrypt_error", s.name, over, f"a password of {len(over)} bytes")
    else:
        f.unknown(
            OUTCOME + "bcrypt_error",
            f"no separate hashing error: over the maximum is {f.value('password.over_max_kind')}",
        )
    _both(s, f, "missing_field", s.name, None, "password=None")
    _outcome(
        f,
        "unknown_alias",
        s.sdk_create(s.name(), PASSWORD, using=NO_SUCH_ALIAS),
        f"utility.create_user(using={NO_SUCH_ALIAS!r})",
    )
    if non_admin_client is None:
        f.unknown(OUTCOME + "permission_denied", "no user without the privilege could connect")
    else:
        _both(
            s,
            f,
            "permission_denied",
            s.name,
            PASSWORD,
            "a create by a user without privileges",
            client=non_admin_client,
        )
    _timeout(s, f)


def _both(s: Session, f: Findings, kind: str, make_name, password, what: str, client=None) -> None:
    """Both documented styles (utility.create_user and MilvusClient.create_user): the profile has
    one value for both, so a disagreement leaves the key null with both outcomes."""
    seen = {style: s.sdk_create(make_name(), password, client=client, style=style) for style in SDK_STYLES}
    if seen["utility"].shape == seen["client"].shape:
        _outcome(f, kind, seen["utility"], f"{what} (utility and MilvusClient alike)")
        return
    f.unknown(
        OUTCOME + kind,
        f"{what}: utility -> {describe(seen['utility'].shape)}, MilvusClient -> "
        f"{describe(seen['client'].shape)}; one profile value cannot state both",
    )


def _timeout(s: Session, f: Findings) -> None:
    """The client's deadline races the server's answer, so one call is not an observation. An
    exception other than the documented MilvusException is the deviation to report as soon as it is
    seen once; if none is seen in TIMEOUT_ATTEMPTS calls, the most frequent outcome is written."""
    seen: list[dict] = []
    name = None  # reused until a create completes: the server refuses or forgets the others
    try:
        for _ in range(TIMEOUT_ATTEMPTS):
            name = name or s.name()
            attempt = s.sdk_create(name, PASSWORD, timeout=IMPOSSIBLE_S)
            if attempt.accepted:
                name = None  # created, and already dropped
                continue
            seen.append(attempt.shape)
            if attempt.shape["exception"] != "MilvusException":
                break
    finally:
        if name is not None:
            s.ledger.created(name)  # the server may perform a create the client gave up on
            s.drop(name)
    if not seen:
        f.unknown(OUTCOME + "timeout", f"timeout={IMPOSSIBLE_S} succeeded {TIMEOUT_ATTEMPTS} times")
        return
    shapes = [describe(x) for x in seen]
    chosen = seen[-1] if seen[-1]["exception"] != "MilvusException" else max(seen, key=lambda x: seen.count(x))
    tally = ", ".join(f"{shape} x{shapes.count(shape)}" for shape in dict.fromkeys(shapes))
    f.found(
        OUTCOME + "timeout",
        chosen,
        f"timeout={IMPOSSIBLE_S} -> {describe(chosen)} ({len(seen)} refused call(s): {tally})",
    )


def _outcome(f: Findings, kind: str, attempt, what: str) -> None:
    record_outcome(f, OUTCOME + kind, attempt, what, "returned (no error)")
