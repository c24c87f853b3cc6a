"""The REST faults, as data: each is one small, named defect of the REST surface (injected by the
HTTP proxy, faults/proxy.py) and the ONE requirement (specs/requirements.yaml, written out in full)
a target showing it violates: the protocol (route, envelopes, codes, authentication, headers) here,
the rules (lengths, names, passwords, state, the siblings) in faults/rest_rule_faults.py. The
transformations are in faults/rest_transforms.py."""

from __future__ import annotations

from dataclasses import replace

from milvus_conformance.faults import rest_transforms as t
from milvus_conformance.faults.rest_rule_faults import RULE_FAULTS, rest

AUTH_OFF = ("--allow-auth-disabled",)  # else preflight stops the run (status 3) before any case


PROTOCOL_FAULTS = [
    # ---- the route ----
    rest(
        "create-route-moved",
        "USER-CREATE-ROUTE",
        f"the create answers only under {t.MOVED_CREATE}; POST /v2/vectordb/users/create answers 404",
        request_transform=t.route_moved,
    ),
    # ---- the success envelope ----
    rest(
        "success-code-string",
        "USER-CREATE-SUCCESS-ENVELOPE",
        'a successful create answers "code": "0" (a string)',
        response_transform=t.on_create_answer(t.is_ok, t.answer({"code": "0", "data": {}})),
    ),
    rest(
        "success-code-200",
        "USER-CREATE-SUCCESS-ENVELOPE",
        "a successful create answers code 200 instead of 0",
        response_transform=t.on_create_answer(t.is_ok, t.answer({"code": 200, "data": {}})),
    ),
    rest(
        "success-data-dropped",
        "USER-CREATE-SUCCESS-ENVELOPE",
        "a successful create answers without the data key",
        response_transform=t.on_create_answer(t.is_ok, t.answer({"code": 0})),
    ),
    rest(
        "success-data-list",
        "USER-CREATE-SUCCESS-ENVELOPE",
        "a successful create answers data: [] instead of {}",
        response_transform=t.on_create_answer(t.is_ok, t.answer({"code": 0, "data": []})),
    ),
    rest(
        "success-data-null",
        "USER-CREATE-SUCCESS-ENVELOPE",
        "a successful create answers data: null",
        response_transform=t.on_create_answer(t.is_ok, t.answer({"code": 0, "data": None})),
    ),
    rest(
        "success-not-json",
        "USER-CREATE-SUCCESS-ENVELOPE",
        "a successful create answers a non-JSON body",
        response_transform=t.on_create_answer(t.is_ok, lambda r: replace(r, body=b"success")),
    ),
    # ---- the error envelope ----
    rest(
        "error-message-missing",
        "USER-CREATE-ERROR-ENVELOPE",
        "create errors carry no message",
        response_transform=t.on_create_answer(
            t.is_error, t.edit_error(lambda b: {k: v for k, v in b.items() if k != "message"})
        ),
    ),
    rest(
        "error-message-not-string",
        "USER-CREATE-ERROR-ENVELOPE",
        "create errors carry a message that is a list",
        response_transform=t.on_create_answer(t.is_error, t.edit_error(lambda b: {**b, "message": [b.get("message")]})),
    ),
    rest(
        "error-code-string",
        "USER-CREATE-ERROR-ENVELOPE",
        'create errors carry the code as a string ("1100")',
        response_transform=t.on_create_answer(t.is_error, t.edit_error(lambda b: {**b, "code": str(b["code"])})),
    ),
    # ---- error codes and HTTP statuses ----
    rest(
        "code-1100-to-65535",
        "USER-CREATE-NAME-CHARSET",
        "invalid-value errors (1100) answer 65535",
        response_transform=t.code_map(1100, 65535),
    ),
    rest(
        "code-1801-to-1802",
        "USER-CREATE-MALFORMED-BODY",
        "malformed-body errors (1801) answer 1802",
        response_transform=t.code_map(1801, 1802),
    ),
    rest(
        "code-1802-to-1801",
        "USER-CREATE-BODY-FIELDS",
        "missing-field errors (1802) answer 1801",
        response_transform=t.code_map(1802, 1801),
    ),
    rest(
        "duplicate-code-0",
        "USER-CREATE-DUPLICATE",
        "a duplicate create (65535) answers code 0",
        response_transform=t.on_create_answer(t.is_duplicate, t.answer(t.OK)),
    ),
    rest(
        "duplicate-code-1100",
        "USER-CREATE-DUPLICATE",
        "a duplicate create answers 1100 instead of the profile's code",
        response_transform=t.on_create_answer(t.is_duplicate, t.edit_error(lambda b: {**b, "code": 1100})),
    ),
    rest(
        "duplicate-overwrites",
        "USER-CREATE-DUPLICATE",
        "a duplicate create replaces the user (new password), answers success",
        response_transform=t.overwrite,
    ),
    rest(
        "auth-401-to-200",
        "USER-CREATE-AUTH-REQUIRED",
        "an unauthenticated create answers HTTP 200 (body still code 1800)",
        response_transform=t.status_map(401, 200),
    ),
    rest(
        "permission-403-to-200",
        "USER-CREATE-PERMISSION",
        "a create without the privilege answers HTTP 200 (body unchanged)",
        response_transform=t.status_map(403, 200),
    ),
    rest(
        "unknown-route-404-to-405",
        "USER-CREATE-UNKNOWN-ROUTE",
        "404 answers (any path) become 405",
        response_transform=t.status_map(404, 405, everywhere=True),
    ),
    rest(
        "timeout-408-to-200",
        "USER-CREATE-REQUEST-TIMEOUT",
        "a timed-out create answers HTTP 200 (body unchanged)",
        response_transform=t.status_map(408, 200),
    ),
    # ---- authentication and permission ----
    rest(
        "auth-not-enforced",
        "USER-CREATE-AUTHORIZATION-ENABLED",
        "no authentication at all: every REST request runs as the admin, whatever credentials it carries",
        request_transform=t.auth_not_enforced,
        suite_args=AUTH_OFF,
        also_violates=("USER-CREATE-AUTH-REQUIRED", "USER-CREATE-PERMISSION"),
    ),
    rest(
        "auth-bypass",
        "USER-CREATE-AUTH-REQUIRED",
        "a create with missing or wrong credentials is redone as the admin",
        response_transform=t.retry_as_admin(401),
    ),
    rest(
        "permission-bypass",
        "USER-CREATE-PERMISSION",
        "a create by a non-admin is redone with the admin's token",
        response_transform=t.retry_as_admin(403),
    ),
    rest(
        "basic-auth-refused",
        "USER-CREATE-AUTH-BASIC",
        "a create with HTTP Basic credentials answers 401/1800",
        request_transform=t.refuse_create(t.is_basic, 1800, "user hasn't authenticated"),
    ),
    rest(
        "token-split-last-colon",
        "USER-CREATE-AUTH-TOKEN-FORMAT",
        "user routes: a token with 2+ colons is split at the last colon (answers 401)",
        request_transform=t.tokens_split_last,
    ),
    # ---- headers, methods, routes, body ----
    rest(
        "content-type-text",
        "USER-CREATE-CONTENT-TYPE",
        "JSON answers of create carry Content-Type text/plain",
        response_transform=t.text_content_type,
    ),
    rest(
        "request-content-type-enforced",
        "USER-CREATE-CONTENT-TYPE",
        "a create without Content-Type application/json answers 1801",
        request_transform=t.refuse_create(t.no_json_content_type, 1801, "can only accept json format request"),
    ),
    rest(
        "wrong-method-accepted",
        "USER-CREATE-UNKNOWN-ROUTE",
        "any method on the create route is forwarded as POST",
        request_transform=t.as_post,
    ),
    rest(
        "trailing-slash-accepted",
        "USER-CREATE-UNKNOWN-ROUTE",
        "POST .../users/create/ is forwarded to .../users/create",
        request_transform=t.no_slash,
    ),
    rest(
        "timeout-ignored",
        "USER-CREATE-REQUEST-TIMEOUT",
        "the Request-Timeout header is stripped (the create answers normally)",
        request_transform=t.strip_timeout,
    ),
    rest(
        "timeout-unparsable-refused",
        "USER-CREATE-REQUEST-TIMEOUT",
        "a create with an unparsable Request-Timeout answers 1100",
        request_transform=t.refuse_create(t.unparsable_timeout, 1100, "invalid Request-Timeout"),
    ),
    rest(
        "unknown-field-rejected",
        "USER-CREATE-UNKNOWN-FIELDS",
        "a create body with an unknown field answers 1801",
        request_transform=t.refuse_create(t.has_unknown_field, 1801, "unknown field"),
    ),
]

REST_FAULTS = PROTOCOL_FAULTS + RULE_FAULTS
