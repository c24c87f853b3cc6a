"""Envelope-aware checks for generated cases: schemathesis `@check`s, `(ctx, response, case)`.

Milvus answers most errors with HTTP 200 and a non-zero `code`, so schemathesis's status-based
built-in checks misjudge it; these replace them (schema.py turns every built-in off). Each failure
names its requirement IDs and carries a curl reproduction with the admin token as "$TOKEN".
Predictions come from `rules.predict_create`, expectations from `checks.expectations.expect` and the
harness's REST checks, all under the active profile (`configure`).
"""
from __future__ import annotations

import functools
import hashlib
import json
import shlex
from dataclasses import dataclass

import requests
import schemathesis

from milvus_conformance.checks.expectations import Expectation, expect
from milvus_conformance.checks.rest_checks import REST_CHECKS
from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.contract.profiles import Profile
from milvus_conformance.fuzz.hygiene import FACTS, Facts, predict_wire, timeout_outcome
from milvus_conformance.fuzz.schema import declared, envelope_problems
from milvus_conformance.redact import REDACTOR

CREATE = "USER-CREATE-"
BY_KIND = {"missing_field": CREATE + "BODY-FIELDS", "malformed_body": CREATE + "MALFORMED-BODY",
           "bcrypt_error": CREATE + "PASSWORD-LENGTH", "timeout": CREATE + "REQUEST-TIMEOUT",
           "duplicate": CREATE + "DUPLICATE", "wrong_method": CREATE + "UNKNOWN-ROUTE",
           "ok": CREATE + "SUCCESS-ENVELOPE"}
BY_KEY = {"user_name.max_length": "NAME-LENGTH", "user_name.extra_chars": "NAME-CHARSET",
          "user_name.trims_spaces": "NAME-CHARSET", "password.min_classes": "PASSWORD-CLASSES",
          "password.min_length": "PASSWORD-LENGTH", "password.max_length": "PASSWORD-LENGTH",
          "password.validation_max": "PASSWORD-LENGTH"}


@dataclass
class Settings:
    profile: Profile | None = None
    admin_digest: str = ""            # sha256 of the admin's Authorization header, never the token
    auth_enabled: bool = True
    tls: TlsSettings = TlsSettings()  # the run's TLS settings for the checks' own requests


SETTINGS = Settings()
FAILED: list[dict] = []               # failing exchanges, drained into the case's record


def configure(profile: Profile, admin_authorization: str | None, auth_enabled: bool,
              tls: TlsSettings | None = None) -> None:
    SETTINGS.profile, SETTINGS.auth_enabled = profile, auth_enabled
    SETTINGS.tls = tls or TlsSettings()
    SETTINGS.admin_digest = _digest(admin_authorization or "")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def authorized(request) -> bool:
    return _digest(request.headers.get("Authorization") or "") == SETTINGS.admin_digest


class Reply:
    """A schemathesis response as the harness's REST checks read it."""

    def __init__(self, response):
        self.status = response.status_code
        self.content_type = (response.headers.get("content-type") or [""])[0]
        self.text = response.content.decode("utf-8", "replace")
        try:
            self.json = json.loads(self.text)
        except ValueError:
            self.json = None
        self.code = self.json.get("code") if isinstance(self.json, dict) else None


def curl(request) -> str:
    """The request as a curl command; the admin's Authorization becomes `--oauth2-bearer "$TOKEN"`."""
    parts = ["curl -sS -X", shlex.quote(request.method), shlex.quote(request.url)]
    for key, value in request.headers.items():
        if key.lower() == "authorization" and authorized(request):
            parts.append('--oauth2-bearer "$TOKEN"')
        elif key.lower() in ("authorization", "content-type", "request-timeout"):
            parts.append("-H " + shlex.quote(f"{key}: {value}"))
    body = request.body
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:   # passwords are secrets in reports too: keep their length, not their value
            text = json.dumps(REDACTOR.redact_json(json.loads(text)), ensure_ascii=False)
        except ValueError:
            pass
        parts.append("--data-raw " + shlex.quote(text))
    return " ".join(parts)


def _fail(response, case, ids, problem: str, expected: str = "") -> None:
    reply, meta = Reply(response), getattr(case, "meta", None)
    where = f" ({meta.phase.name.value}: {getattr(meta.phase.data, 'description', '')})" if meta else ""
    lines = [f"[{', '.join(dict.fromkeys(ids))}] {problem}", f"  case: {case.operation.label}{where}"]
    lines += [f"  expected: {expected}"] if expected else []
    lines += [f"  got: HTTP {reply.status} {reply.content_type or '-'} {reply.text[:300]!r}",
              f"  reproduce: {curl(response.request)}"]
    FAILED.append({"curl": curl(response.request), "status": reply.status, "body": reply.text[:2000]})
    raise AssertionError("\n".join(lines))


def _envelope_ids(case) -> list[str]:
    return [r for r in case.operation.definition.raw.get("x-requirements", ()) if "ENVELOPE" in r]


# ---- the checks ------------------------------------------------------------------------------------
def _check(func):
    """Register a check that does nothing until `configure` ran (registration is process-wide)."""
    @functools.wraps(func)
    def active(ctx, response, case):
        return None if SETTINGS.profile is None else func(ctx, response, case)
    return schemathesis.check(active)


@_check
def envelope_conformance(ctx, response, case):
    """Every JSON body matches the (profile-shaped) spec's schema for its status, or for a status
    declared without JSON any envelope of the contract; a status declared as JSON only gets JSON."""
    reply = Reply(response)
    content = declared(case.operation, reply.status)
    if reply.content_type.split(";")[0].strip().lower() != "application/json":
        if content and list(content) == ["application/json"]:
            _fail(response, case, _envelope_ids(case) + [CREATE + "CONTENT-TYPE"],
                  "answered without a JSON envelope", f"application/json for HTTP {reply.status}")
        return None
    if reply.json is None:
        _fail(response, case, _envelope_ids(case), "Content-Type is JSON but the body is not JSON")
    problem = envelope_problems(case.operation, reply.json, content)
    if problem:
        _fail(response, case, _envelope_ids(case), f"not an envelope of the contract: {problem}")
    return None


@_check
def no_server_error(ctx, response, case):
    """No 5xx: errors are envelopes (CF section 3: 500 only when a handler panics)."""
    if response.status_code >= 500:
        _fail(response, case, _envelope_ids(case), f"server error HTTP {response.status_code}",
              "an answer below 500")


@_check
def no_unauthenticated_success(ctx, response, case):
    """A request whose Authorization was removed or mangled never gets the success code."""
    if SETTINGS.auth_enabled and not authorized(response.request) \
            and Reply(response).code == SETTINGS.profile["rest.success_code"]:
        sent = response.request.headers.get("Authorization")
        how = "missing" if sent is None else f"mangled (value {sent[:40]!r}, not the admin token)"
        _fail(response, case, [CREATE + "AUTH-REQUIRED"], f"success without valid credentials: "
              f"Authorization header {how}", expect(SETTINGS.profile, "auth_failed", "rest").describe())


@_check
def create_outcome(ctx, response, case):
    """users/create: the outcome kind predicted under the active profile; `ok` must get the profile's
    success answer, any other kind a non-zero code in the error envelope. Not judged where the profile
    has no prediction, nor for requests without valid credentials (see no_unauthenticated_success)."""
    request, profile = response.request, SETTINGS.profile
    if not case.operation.path.endswith("/users/create") or not authorized(request):
        return None
    if request.method != "POST":      # OPTIONS: a CORS preflight, answered by the middleware
        return None if request.method == "OPTIONS" else _judge(response, case, "wrong_method", "no POST")
    kind, why = timeout_outcome(profile, request.headers.get("Request-Timeout"), response.status_code)
    if kind != "body":
        return None if kind is None else _judge(response, case, kind, why, [CREATE + "REQUEST-TIMEOUT"])
    prediction, name = predict_wire(profile, request.body)
    if prediction.kind is None:
        return None
    kind, ids = prediction.kind, _prediction_ids(prediction, name)
    ids += [CREATE + "REQUEST-TIMEOUT"] if why else []
    preexisting = FACTS.get(case.id, Facts()).preexisting
    if kind == "ok" and name in preexisting:
        kind = "duplicate"            # a user of ours, e.g. created earlier in a stateful scenario
    elif kind == "ok" and name.strip() in preexisting:
        return None                   # is " a " the existing "a"? The profiles do not say
    elif kind == "ok" and _user_cap(profile, Reply(response)):
        return None                   # the shared server is full (other clients' users): no verdict
    return _judge(response, case, kind, prediction.reason + (f"; {why}" if why else ""), ids)


def _judge(response, case, kind: str, reason: str, ids: list[str] = ()):
    exp = expect(SETTINGS.profile, kind, "rest")
    if not exp.covered:
        return None
    if kind not in ("ok", "wrong_method"):   # refusals: any non-zero code, in the error envelope
        relaxed = dict(exp.spec, status=None, code=exp.spec.get("code") and "nonzero")
        exp = Expectation(kind, "rest", relaxed, exp.sources)
    problems = [p for p in (check(exp, Reply(response)) for check in REST_CHECKS) if p]
    if problems:
        _fail(response, case, [*ids, BY_KIND.get(kind, CREATE + "ERROR-ENVELOPE")],
              f"predicted {kind} ({reason}), but {'; '.join(problems)}",
              f"{exp.describe()} [{'; '.join(exp.sources) or 'profile ' + SETTINGS.profile.name}]")
    return None


def _user_cap(profile, reply) -> bool:
    cap = expect(profile, "user_cap", "rest")
    message = reply.json.get("message", "") if isinstance(reply.json, dict) else ""
    return cap.covered and reply.code == cap.spec.get("code") and "limit" in str(message)


def _prediction_ids(prediction, name) -> list[str]:
    if prediction.kind == "ok":
        return [CREATE + "ROUTE", CREATE + "NAME-CHARSET", CREATE + "PASSWORD-LENGTH"]
    if prediction.kind != "invalid_value":
        return []
    if prediction.decided_by in BY_KEY:
        return [CREATE + BY_KEY[prediction.decided_by]]
    return [CREATE + ("NAME-LENGTH" if not (name or "").strip() else "NAME-FIRST-CHAR")]


@_check
def create_state(ctx, response, case):
    """users/create: a success created the user (it is listed); a refusal created nothing."""
    facts = FACTS.get(case.id)
    if facts is None or facts.appeared is None or not case.operation.path.endswith("/users/create"):
        return None
    reply = Reply(response)
    success = 200 <= reply.status < 300 and reply.code == SETTINGS.profile["rest.success_code"]
    if not success and facts.appeared and reply.status != 408:   # a timed-out handler may finish
        _fail(response, case, [CREATE + "SEMANTICS", CREATE + "ERROR-ENVELOPE"],
              f"the create was refused but created {sorted(facts.appeared)}", "no user created")
    if success and not facts.appeared and authorized(response.request):
        _, name = predict_wire(SETTINGS.profile, response.request.body)
        if name and not {name, name.strip()} & facts.preexisting:
            _fail(response, case, [CREATE + "SEMANTICS"],
                  f"the create answered success but {name!r} is not listed")
    return None


@_check
def use_after_drop(ctx, response, case):
    """users/drop: after a successful drop the user is not in users/list."""
    request = response.request
    if not case.operation.path.endswith("/users/drop") or not authorized(request) \
            or Reply(response).code != SETTINGS.profile["rest.success_code"]:
        return None
    _, name = predict_wire(SETTINGS.profile, request.body)
    if not name or name != name.strip():      # whether drop trims is not in any profile
        return None
    if name in (list_users(request) or ()):
        _fail(response, case, ["USER-DROP-SEMANTICS"], f"{name!r} is listed after a successful drop",
              "the dropped user is not in users/list")
    return None


def list_users(request) -> list | None:
    """users/list with the credentials of `request` (use_after_drop runs for the admin's only)."""
    url = request.url.rsplit("/users/", 1)[0] + "/users/list"
    try:
        with SETTINGS.tls.requests_session() as session:
            answer = session.post(url, json={}, timeout=15,
                                  headers={"Authorization": request.headers["Authorization"]},
                                  **SETTINGS.tls.requests_kwargs())
        data = answer.json().get("data")
    except (requests.RequestException, ValueError, AttributeError):
        return None
    return data if isinstance(data, list) else None


CHECKS = [envelope_conformance, no_server_error, no_unauthenticated_success, create_outcome,
          create_state, use_after_drop]
