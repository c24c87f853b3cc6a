"""Envelope-aware checks for generated cases, with schemathesis's check signature `(ctx, response,
case)`.

Milvus answers most errors with HTTP 200 and a non-zero `code`, so schemathesis's status-based
built-in checks misjudge it; these replace them (schema.py turns every built-in off). Each failure is
a `GeneratedFailure` carrying its requirement IDs, the request, the response and a curl reproduction
with the admin token as "$TOKEN" (failures.py). Predictions come from `rules.predict_create`,
expectations from `checks.expectations.expect` and the harness's REST checks, all under the active
profile: a `GeneratedChecks` is built per run with its `CheckSettings` and the hygiene's facts, and
passed to schemathesis explicitly (nothing is registered process-wide). Whether an answer is a
success is `checks.observation.accepted` (the profile's success code: 200 in Milvus 2.4.0-2.4.2), as
everywhere else.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from dataclasses import dataclass
from typing import Callable

import requests

from milvus_conformance.checks.expectations import Expectation, expect
from milvus_conformance.checks.observation import accepted
from milvus_conformance.checks.problem import texts
from milvus_conformance.checks.rest_checks import REST_CHECKS
from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.contract.error_statuses import classified_system_error
from milvus_conformance.contract.profiles import Profile
from milvus_conformance.fuzz.failures import Finding, GeneratedFailure
from milvus_conformance.fuzz.hygiene import Facts, predict_wire, timeout_outcome
from milvus_conformance.fuzz.schema import declared, envelope_problems
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.surfaces import Surface

BY_KIND = {
    "missing_field": "USER-CREATE-BODY-FIELDS",
    "malformed_body": "USER-CREATE-MALFORMED-BODY",
    "bcrypt_error": "USER-CREATE-PASSWORD-LENGTH",
    "timeout": "USER-CREATE-REQUEST-TIMEOUT",
    "duplicate": "USER-CREATE-DUPLICATE",
    "wrong_method": "USER-CREATE-UNKNOWN-ROUTE",
    "ok": "USER-CREATE-SUCCESS-ENVELOPE",
}
BY_KEY = {
    "user_name.max_length": "USER-CREATE-NAME-LENGTH",
    "user_name.extra_chars": "USER-CREATE-NAME-CHARSET",
    "user_name.trims_spaces": "USER-CREATE-NAME-CHARSET",
    "password.min_classes": "USER-CREATE-PASSWORD-CLASSES",
    "password.min_length": "USER-CREATE-PASSWORD-LENGTH",
    "password.max_length": "USER-CREATE-PASSWORD-LENGTH",
    "password.validation_max": "USER-CREATE-PASSWORD-LENGTH",
}


@dataclass(frozen=True)
class CheckSettings:
    profile: Profile
    admin_digest: str  # sha256 of the admin's Authorization header, never the token
    auth_enabled: bool = True
    tls: TlsSettings = TlsSettings()  # the run's TLS settings for the checks' own requests

    @classmethod
    def of(
        cls,
        profile: Profile,
        admin_authorization: str | None,
        auth_enabled: bool = True,
        tls: TlsSettings | None = None,
    ) -> "CheckSettings":
        return cls(profile, _digest(admin_authorization or ""), auth_enabled, tls or TlsSettings())

    def authorized(self, request) -> bool:
        return _digest(request.headers.get("Authorization") or "") == self.admin_digest


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


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


def curl(request, authorized: bool) -> str:
    """The request as a curl command; the admin's Authorization (`authorized`) becomes
    `--oauth2-bearer "$TOKEN"`."""
    parts = ["curl -sS -X", shlex.quote(request.method), shlex.quote(request.url)]
    for key, value in request.headers.items():
        if key.lower() == "authorization" and authorized:
            parts.append('--oauth2-bearer "$TOKEN"')
        elif key.lower() in ("authorization", "content-type", "request-timeout"):
            parts.append("-H " + shlex.quote(f"{key}: {value}"))
    body = _shown_body(request.body)
    if body:
        parts.append("--data-raw " + shlex.quote(body))
    return " ".join(parts)


def _shown_body(body) -> str:
    """The body as text; passwords are secrets in reports too: keep their length, not their value."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        return json.dumps(REDACTOR.redact_json(json.loads(text)), ensure_ascii=False)
    except ValueError:
        return text


def _request_record(request, authorized: bool) -> dict:
    headers = {
        k: ("Bearer $TOKEN" if authorized else REDACTOR.redact_text(v)) if k.lower() == "authorization" else v
        for k, v in request.headers.items()
        if k.lower() in ("authorization", "content-type", "request-timeout")
    }
    return {"method": request.method, "url": request.url, "headers": headers, "body": _shown_body(request.body)}


def _envelope_ids(case) -> list[str]:
    return [r for r in case.operation.definition.raw.get("x-requirements", ()) if "ENVELOPE" in r]


def _prediction_ids(prediction, name) -> list[str]:
    if prediction.kind == "ok":
        return ["USER-CREATE-ROUTE", "USER-CREATE-NAME-CHARSET", "USER-CREATE-PASSWORD-LENGTH"]
    if prediction.kind != "invalid_value":
        return []
    if prediction.decided_by in BY_KEY:
        return [BY_KEY[prediction.decided_by]]
    return ["USER-CREATE-NAME-LENGTH" if not (name or "").strip() else "USER-CREATE-NAME-FIRST-CHAR"]


def _user_cap(profile, reply) -> bool:
    cap = expect(profile, "user_cap", Surface.REST)
    message = reply.json.get("message", "") if isinstance(reply.json, dict) else ""
    return cap.covered and reply.code == cap.spec.get("code") and "limit" in str(message)


def list_users(request, tls: TlsSettings) -> list | None:
    """users/list with the credentials of `request` (use_after_drop runs for the admin's only)."""
    url = request.url.rsplit("/users/", 1)[0] + "/users/list"
    try:
        with tls.requests_session() as session:
            answer = session.post(
                url,
                json={},
                timeout=15,
                headers={"Authorization": request.headers["Authorization"]},
                **tls.requests_kwargs(),
            )
        data = answer.json().get("data")
    except (requests.RequestException, ValueError, AttributeError):
        return None
    return data if isinstance(data, list) else None


class GeneratedChecks:
    """The checks of one run: `settings` (the active profile, who the admin is) and `facts` (what
    hygiene observed around each writing request, by case id). `all` is what schemathesis runs."""

    def __init__(self, settings: CheckSettings, facts: dict[str, Facts]):
        self.settings, self.profile, self.facts = settings, settings.profile, facts
        self.all: list[Callable] = [
            self.envelope_conformance,
            self.no_server_error,
            self.no_unauthenticated_success,
            self.create_outcome,
            self.create_state,
            self.use_after_drop,
        ]

    def _fail(self, response, case, ids, problem: str, expected: str = "") -> None:
        reply, meta = Reply(response), getattr(case, "meta", None)
        where = f" ({meta.phase.name.value}: {getattr(meta.phase.data, 'description', '')})" if meta else ""
        authorized = self.settings.authorized(response.request)
        raise GeneratedFailure(
            Finding(
                requirements=tuple(dict.fromkeys(ids)),
                problem=problem,
                case=f"{case.operation.label}{where}",
                expected=expected,
                request=_request_record(response.request, authorized),
                response={"status": reply.status, "content_type": reply.content_type, "body": reply.text[:2000]},
                reproduction=curl(response.request, authorized),
            )
        )

    def envelope_conformance(self, ctx, response, case):
        """Every JSON body matches the (profile-shaped) spec's schema for its status, or for a status
        declared without JSON any envelope of the contract; a status declared as JSON only gets JSON."""
        reply = Reply(response)
        content = declared(case.operation, reply.status)
        if reply.content_type.split(";")[0].strip().lower() != "application/json":
            if content and list(content) == ["application/json"]:
                self._fail(
                    response,
                    case,
                    _envelope_ids(case) + ["USER-CREATE-CONTENT-TYPE"],
                    "answered without a JSON envelope",
                    f"application/json for HTTP {reply.status}",
                )
            return None
        if reply.json is None:
            self._fail(response, case, _envelope_ids(case), "Content-Type is JSON but the body is not JSON")
        problem = envelope_problems(case.operation, reply.json, content)
        if problem:
            self._fail(response, case, _envelope_ids(case), f"not an envelope of the contract: {problem}")
        return None

    def no_server_error(self, ctx, response, case):
        """No 5xx: errors are envelopes (CF section 3: 500 only when a handler panics) - except a
        system error's 500/503 envelope under standard error statuses (contract/error_statuses.py)."""
        if response.status_code >= 500 and not classified_system_error(
            self.profile, response.status_code, Reply(response).json
        ):
            self._fail(
                response, case, _envelope_ids(case), f"server error HTTP {response.status_code}", "an answer below 500"
            )

    def no_unauthenticated_success(self, ctx, response, case):
        """A request whose Authorization was removed or mangled never gets the success code."""
        if (
            self.settings.auth_enabled
            and not self.settings.authorized(response.request)
            and accepted(self.profile, Reply(response))
        ):
            sent = response.request.headers.get("Authorization")
            how = "missing" if sent is None else f"mangled (value {sent[:40]!r}, not the admin token)"
            self._fail(
                response,
                case,
                ["USER-CREATE-AUTH-REQUIRED"],
                f"success without valid credentials: Authorization header {how}",
                expect(self.profile, "auth_failed", Surface.REST).describe(),
            )

    def create_outcome(self, ctx, response, case):
        """users/create: the outcome kind predicted under the active profile; `ok` must get the
        profile's success answer, any other kind a non-zero code in the error envelope. Not judged where
        the profile has no prediction, nor for requests without valid credentials (see
        no_unauthenticated_success)."""
        request, profile = response.request, self.profile
        if not case.operation.path.endswith("/users/create") or not self.settings.authorized(request):
            return None
        if request.method != "POST":  # OPTIONS: a CORS preflight, answered by the middleware
            return None if request.method == "OPTIONS" else self._judge(response, case, "wrong_method", "no POST")
        kind, why = timeout_outcome(profile, request.headers.get("Request-Timeout"), response.status_code)
        if kind != "body":
            return None if kind is None else self._judge(response, case, kind, why, ["USER-CREATE-REQUEST-TIMEOUT"])
        prediction, name = predict_wire(profile, request.body)
        if prediction.kind is None:
            return None
        kind, ids = prediction.kind, _prediction_ids(prediction, name)
        ids += ["USER-CREATE-REQUEST-TIMEOUT"] if why else []
        preexisting = self.facts.get(case.id, Facts()).preexisting
        if kind == "ok" and name in preexisting:
            kind = "duplicate"  # a user of ours, e.g. created earlier in a stateful scenario
        elif kind == "ok" and name.strip() in preexisting:
            return None  # is " a " the existing "a"? The profiles do not say
        elif kind == "ok" and _user_cap(profile, Reply(response)):
            return None  # the shared server is full (other clients' users): no verdict
        return self._judge(response, case, kind, prediction.reason + (f"; {why}" if why else ""), ids)

    def _judge(self, response, case, kind: str, reason: str, ids: list[str] = ()):
        exp = expect(self.profile, kind, Surface.REST)
        if not exp.covered:
            return None
        if kind not in ("ok", "wrong_method"):  # refusals: any non-zero code, in the error envelope
            relaxed = dict(exp.spec, status=None, code=exp.spec.get("code") and "nonzero")
            exp = Expectation(kind, Surface.REST, relaxed, exp.sources)
        problems = texts(check(exp, Reply(response)) for check in REST_CHECKS)
        if problems:
            self._fail(
                response,
                case,
                [*ids, BY_KIND.get(kind, "USER-CREATE-ERROR-ENVELOPE")],
                f"predicted {kind} ({reason}), but {'; '.join(problems)}",
                f"{exp.describe()} [{'; '.join(exp.sources) or 'profile ' + self.profile.name}]",
            )
        return None

    def create_state(self, ctx, response, case):
        """users/create: a success created the user (it is listed); a refusal created nothing."""
        facts = self.facts.get(case.id)
        if facts is None or facts.appeared is None or not case.operation.path.endswith("/users/create"):
            return None
        reply = Reply(response)
        success = accepted(self.profile, reply)
        if not success and facts.appeared and reply.status != 408:  # a timed-out handler may finish
            self._fail(
                response,
                case,
                ["USER-CREATE-SEMANTICS", "USER-CREATE-ERROR-ENVELOPE"],
                f"the create was refused but created {sorted(facts.appeared)}",
                "no user created",
            )
        if success and not facts.appeared and self.settings.authorized(response.request):
            _, name = predict_wire(self.profile, response.request.body)
            if name and not {name, name.strip()} & facts.preexisting:
                self._fail(
                    response, case, ["USER-CREATE-SEMANTICS"], f"the create answered success but {name!r} is not listed"
                )
        return None

    def use_after_drop(self, ctx, response, case):
        """users/drop: after a successful drop the user is not in users/list."""
        request = response.request
        if (
            not case.operation.path.endswith("/users/drop")
            or not self.settings.authorized(request)
            or not accepted(self.profile, Reply(response))
        ):
            return None
        _, name = predict_wire(self.profile, request.body)
        if not name or name != name.strip():  # whether drop trims is not in any profile
            return None
        if name in (list_users(request, self.settings.tls) or ()):
            self._fail(
                response,
                case,
                ["USER-DROP-SEMANTICS"],
                f"{name!r} is listed after a successful drop",
                "the dropped user is not in users/list",
            )
        return None
