"""REST only: the success envelope, every outcome kind's `{status, code, content_type}`, the
Request-Timeout header (unparsable and 0), routes (unknown path, wrong method, trailing slash,
authentication before routing) and key case in the body."""

from __future__ import annotations

from milvus_conformance.clients.rest import USERS
from milvus_conformance.discover.findings import Findings, record_outcome
from milvus_conformance.discover.outcome import classify, describe
from milvus_conformance.discover.probes_password import Limits, password_of
from milvus_conformance.discover.session import PASSWORD, Session

NOBODY = "nobody"  # a user (with the run prefix) that is never created
OUTCOME = "rest.outcome."


def probe_rest(s: Session, f: Findings, limits: Limits, non_admin: tuple[str, str] | None) -> None:
    _success_and_duplicate(s, f)
    _bodies(s, f)
    _auth(s, f, non_admin)
    _routes(s, f)
    _request_timeout(s, f)
    _key_case(s, f)
    _description(s, f)
    if f.value("password.over_max_kind") == "bcrypt_error":
        f.found(
            OUTCOME + "bcrypt_error", limits.over, f"a password of {limits.high + 1} bytes -> {describe(limits.over)}"
        )
    else:
        f.unknown(
            OUTCOME + "bcrypt_error",
            f"no separate hashing error: over the maximum is {f.value('password.over_max_kind')}",
        )


def known(s: Session, f: Findings) -> dict[str, dict]:
    kinds = {"ok": s.ok}
    for item in f.items():
        if item.key.startswith(OUTCOME) and item.value is not None:
            kinds[item.key[len(OUTCOME) :]] = item.value
    return kinds


def _success_and_duplicate(s: Session, f: Findings) -> None:
    f.found("rest.success_code", s.ok["code"], f"a valid create -> {describe(s.ok)}")
    f.found("rest.success_status", s.ok["status"], f"a valid create -> {describe(s.ok)}")
    name = s.name()
    s.rest_create(name, PASSWORD, keep=True)
    again = s.rest_create(name, PASSWORD, keep=True)
    s.drop(name)
    if again.accepted:
        f.unknown(OUTCOME + "duplicate", "a second create of the same userName answered success")
    else:
        f.found(OUTCOME + "duplicate", again.shape, f"the same create twice -> {describe(again.shape)}")


def _bodies(s: Session, f: Findings) -> None:
    name = s.name()
    missing = s.rest_send([name], lambda: s.rest.request(f"{USERS}/create", {"userName": name}))
    _outcome(f, "missing_field", missing, "a body without password")
    broken = s.rest_send(
        [],
        lambda: s.rest.request(
            f"{USERS}/create", content='{"userName": ', headers={"Content-Type": "application/json"}
        ),
    )
    _outcome(f, "malformed_body", broken, "a body that is not JSON")


def _auth(s: Session, f: Findings, non_admin: tuple[str, str] | None) -> None:
    name = s.name()
    wrong = s.rest_create(name, PASSWORD, token=f"{s.prefix}{NOBODY}:{password_of(10)}")
    bare = s.rest_create(name, PASSWORD, token=None)
    bare_how = "the same" if wrong.shape == bare.shape else describe(bare.shape)
    _outcome(
        f,
        "auth_failed",
        wrong,
        f"a create with the credentials of a user that does not exist (without credentials: {bare_how})",
    )
    if non_admin is None:
        f.unknown(OUTCOME + "permission_denied", "no user without the privilege could be created")
        return
    user, password = non_admin
    denied = s.rest_create(s.name(), PASSWORD, token=f"{user}:{password}")
    _outcome(f, "permission_denied", denied, "a create by a user without privileges")


def _routes(s: Session, f: Findings) -> None:
    name = s.name()
    body = {"userName": name, "password": PASSWORD}
    unknown = s.rest_send([name], lambda: s.rest.request(f"{USERS}/creat", body))
    _outcome(f, "unknown_route", unknown, "POST users/creat (an unknown path)")
    wrong = s.rest_send([name], lambda: s.rest.request(f"{USERS}/create", method="GET"))
    _outcome(f, "wrong_method", wrong, "GET users/create")
    bare = s.rest_send([name], lambda: s.rest.request(f"{USERS}/creat", body, token=None))
    first = classify(bare.shape, {k: v for k, v in known(s, f).items() if k in ("auth_failed", "unknown_route")})
    key = "rest.auth_before_routing"
    how = f"POST users/creat without credentials -> {describe(bare.shape)}"
    if first is None:
        f.unknown(key, f"{how}: neither the auth failure nor the unknown route")
    else:
        f.found(key, first == "auth_failed", f"{how} ({first})")
    slash = s.rest_send([name], lambda: s.rest.request(f"{USERS}/create/", body))
    f.found(
        "rest.trailing_slash_status",
        slash.shape["status"],
        f"POST users/create/ -> {describe(slash.shape)} (redirects not followed)",
    )


def _request_timeout(s: Session, f: Findings) -> None:
    for key, value in (("rest.request_timeout.unparsable", "abc"), ("rest.request_timeout.zero", "0")):
        name = s.name()
        attempt = s.rest_create(name, PASSWORD, headers={"Request-Timeout": value})
        if not attempt.accepted:
            s.ledger.created(name)  # a create that timed out may still have happened
            s.drop(name)
        kind = classify(attempt.shape, known(s, f))
        how = f"a valid create with Request-Timeout: {value} -> {describe(attempt.shape)}"
        if kind is None and attempt.shape["status"] != s.ok["status"]:
            kind = "timeout"
            f.found(OUTCOME + "timeout", attempt.shape, how)
        if kind is None:
            f.unknown(key, f"{how}: not an outcome kind seen elsewhere")
        else:
            f.found(key, kind, f"{how} ({kind})")
    if OUTCOME + "timeout" not in f:
        f.unknown(OUTCOME + "timeout", "no probe provoked a timeout (Request-Timeout: 0 did not)")


def _key_case(s: Session, f: Findings) -> None:
    name = s.name()
    attempt = s.rest_send([name], lambda: s.rest.request(f"{USERS}/create", {"username": name, "password": PASSWORD}))
    kind = classify(attempt.shape, {k: v for k, v in known(s, f).items() if k in ("ok", "missing_field")})
    how = f'a create with the key "username" -> {describe(attempt.shape)}'
    if kind is None:
        f.unknown("rest.keys_case_insensitive", f"{how}: neither success nor a missing field")
    else:
        f.found("rest.keys_case_insensitive", kind == "ok", f"{how} ({kind})")


def _description(s: Session, f: Findings) -> None:
    """A create carrying a `description` (Milvus 3.0): stored if describe answers it back."""
    name, text = s.name(), "discover probe"
    attempt = s.rest_send(
        [name],
        lambda: s.rest.request(f"{USERS}/create", {"userName": name, "password": PASSWORD, "description": text}),
        keep=True,
    )
    how = f"a create with a description -> {describe(attempt.shape)}"
    if not attempt.accepted:
        f.unknown("user.description", f"{how}: refused")
        return
    body = s.rest.describe_user(name).json
    s.drop(name)
    answered = isinstance(body, dict) and text in str(body)
    f.found(
        "user.description",
        "stored" if answered else "ignored",
        f"{how}; describe {'answers it back' if answered else 'does not answer it'}",
    )


def _outcome(f: Findings, kind: str, attempt, what: str) -> None:
    record_outcome(f, OUTCOME + kind, attempt, what, "answered success")
