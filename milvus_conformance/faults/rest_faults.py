"""The REST faults, as data: each is one small, named defect of the REST surface (injected by the
HTTP proxy, faults/proxy.py) and the ONE requirement (specs/requirements.yaml, written out in full)
a target showing it violates. The transformations are in faults/rest_transforms.py."""
from __future__ import annotations

from dataclasses import replace

from milvus_conformance.faults import limits
from milvus_conformance.faults import rest_transforms as t
from milvus_conformance.faults.model import Fault

AUTH_OFF = ("--allow-auth-disabled",)   # else preflight stops the run (status 3) before any case


def rest(name: str, requirement: str, description: str, **hooks) -> Fault:
    return Fault(name, requirement, description, layer="http", **hooks)


REST_FAULTS: list[Fault] = [
    # ---- the route ----
    rest("create-route-moved", "USER-CREATE-ROUTE", f"the create answers only under {t.MOVED_CREATE}; "
         "POST /v2/vectordb/users/create answers 404", request_transform=t.route_moved),
    # ---- the success envelope ----
    rest("success-code-string", "USER-CREATE-SUCCESS-ENVELOPE", 'a successful create answers "code": "0" (a string)',
         response_transform=t.on_create_answer(t.is_ok, t.answer({"code": "0", "data": {}}))),
    rest("success-code-200", "USER-CREATE-SUCCESS-ENVELOPE", "a successful create answers code 200 instead of 0",
         response_transform=t.on_create_answer(t.is_ok, t.answer({"code": 200, "data": {}}))),
    rest("success-data-dropped", "USER-CREATE-SUCCESS-ENVELOPE", "a successful create answers without the data key",
         response_transform=t.on_create_answer(t.is_ok, t.answer({"code": 0}))),
    rest("success-data-list", "USER-CREATE-SUCCESS-ENVELOPE", "a successful create answers data: [] instead of {}",
         response_transform=t.on_create_answer(t.is_ok, t.answer({"code": 0, "data": []}))),
    rest("success-data-null", "USER-CREATE-SUCCESS-ENVELOPE", "a successful create answers data: null",
         response_transform=t.on_create_answer(t.is_ok, t.answer({"code": 0, "data": None}))),
    rest("success-not-json", "USER-CREATE-SUCCESS-ENVELOPE", "a successful create answers a non-JSON body",
         response_transform=t.on_create_answer(t.is_ok, lambda r: replace(r, body=b"success"))),
    # ---- the error envelope ----
    rest("error-message-missing", "USER-CREATE-ERROR-ENVELOPE", "create errors carry no message",
         response_transform=t.on_create_answer(t.is_error, t.edit_error(
             lambda b: {k: v for k, v in b.items() if k != "message"}))),
    rest("error-message-not-string", "USER-CREATE-ERROR-ENVELOPE", "create errors carry a message that is a list",
         response_transform=t.on_create_answer(t.is_error, t.edit_error(
             lambda b: {**b, "message": [b.get("message")]}))),
    rest("error-code-string", "USER-CREATE-ERROR-ENVELOPE", 'create errors carry the code as a string ("1100")',
         response_transform=t.on_create_answer(t.is_error, t.edit_error(lambda b: {**b, "code": str(b["code"])}))),
    # ---- error codes and HTTP statuses ----
    rest("code-1100-to-65535", "USER-CREATE-NAME-CHARSET", "invalid-value errors (1100) answer 65535",
         response_transform=t.code_map(1100, 65535)),
    rest("code-1801-to-1802", "USER-CREATE-MALFORMED-BODY", "malformed-body errors (1801) answer 1802",
         response_transform=t.code_map(1801, 1802)),
    rest("code-1802-to-1801", "USER-CREATE-BODY-FIELDS", "missing-field errors (1802) answer 1801",
         response_transform=t.code_map(1802, 1801)),
    rest("duplicate-code-0", "USER-CREATE-DUPLICATE", "a duplicate create (65535) answers code 0",
         response_transform=t.on_create_answer(t.is_duplicate, t.answer(t.OK))),
    rest("duplicate-code-1100", "USER-CREATE-DUPLICATE", "a duplicate create answers 1100 instead of the profile's "
         "code", response_transform=t.on_create_answer(t.is_duplicate, t.edit_error(lambda b: {**b, "code": 1100}))),
    rest("duplicate-overwrites", "USER-CREATE-DUPLICATE", "a duplicate create replaces the user (new password), "
         "answers success", response_transform=t.overwrite),
    rest("auth-401-to-200", "USER-CREATE-AUTH-REQUIRED", "an unauthenticated create answers HTTP 200 (body still "
         "code 1800)", response_transform=t.status_map(401, 200)),
    rest("permission-403-to-200", "USER-CREATE-PERMISSION", "a create without the privilege answers HTTP 200 (body "
         "unchanged)", response_transform=t.status_map(403, 200)),
    rest("unknown-route-404-to-405", "USER-CREATE-UNKNOWN-ROUTE", "404 answers (any path) become 405",
         response_transform=t.status_map(404, 405, everywhere=True)),
    rest("timeout-408-to-200", "USER-CREATE-REQUEST-TIMEOUT", "a timed-out create answers HTTP 200 (body unchanged)",
         response_transform=t.status_map(408, 200)),
    # ---- authentication and permission ----
    rest("auth-not-enforced", "USER-CREATE-AUTHORIZATION-ENABLED", "no authentication at all: every REST request "
         "runs as the admin, whatever credentials it carries", request_transform=t.auth_not_enforced,
         suite_args=AUTH_OFF, also_violates=("USER-CREATE-AUTH-REQUIRED", "USER-CREATE-PERMISSION")),
    rest("auth-bypass", "USER-CREATE-AUTH-REQUIRED", "a create with missing or wrong credentials is redone as the admin",
         response_transform=t.retry_as_admin(401)),
    rest("permission-bypass", "USER-CREATE-PERMISSION", "a create by a non-admin is redone with the admin's token",
         response_transform=t.retry_as_admin(403)),
    rest("basic-auth-refused", "USER-CREATE-AUTH-BASIC", "a create with HTTP Basic credentials answers 401/1800",
         request_transform=t.refuse_create(t.is_basic, 1800, "user hasn't authenticated")),
    rest("token-split-last-colon", "USER-CREATE-AUTH-TOKEN-FORMAT", "user routes: a token with 2+ colons is split at "
         "the last colon (answers 401)", request_transform=t.tokens_split_last),
    # ---- length boundaries: off by one, exclusive bounds, the wrong unit ----
    rest("name-over-max-accepted", "USER-CREATE-NAME-LENGTH", "a userName over the maximum (33 bytes) is cut to it "
         "and created", request_transform=t.on_create_field("userName", t.name_over_max, t.cut_name_to_max)),
    rest("name-at-max-refused", "USER-CREATE-NAME-LENGTH", "a userName of exactly the maximum length is refused "
         "(1100): the bound taken as exclusive",
         request_transform=t.refuse_create_as("invalid_value", "invalid user name length", limits.name_at_max,
                                              key="userName")),
    rest("password-over-max-accepted", "USER-CREATE-PASSWORD-LENGTH", "a password over the maximum (73 bytes) is "
         "cut to it", request_transform=t.on_create_field("password", t.password_over_max, t.cut_password_to_max)),
    rest("password-under-min-accepted", "USER-CREATE-PASSWORD-LENGTH", "a password under the minimum (5 bytes) is "
         "padded to it", request_transform=t.on_create_field("password", t.password_under_min, t.pad_password_to_min)),
    rest("password-at-min-refused", "USER-CREATE-PASSWORD-LENGTH", "a password of exactly the minimum length is "
         "refused (1100): the bound taken as exclusive",
         request_transform=t.refuse_create_as("invalid_value", "invalid password length", limits.password_at_min)),
    rest("password-at-max-refused", "USER-CREATE-PASSWORD-LENGTH", "a password of exactly the maximum length is "
         "refused with the over-max outcome: the bound taken as exclusive",
         request_transform=t.refuse_create_as("bcrypt_error", "bcrypt: password length exceeds 72 bytes",
                                              limits.password_at_max)),
    rest("password-min-in-characters", "USER-CREATE-PASSWORD-LENGTH", "the minimum is counted in characters (the "
         "maximum stays in bytes): a multibyte password long enough in bytes but short in characters is refused",
         request_transform=t.refuse_create_as("invalid_value", "invalid password length", limits.min_in_characters),
         applies=t.password_counts_bytes),
    rest("password-max-in-characters", "USER-CREATE-PASSWORD-LENGTH", "the maximum is counted in characters: a "
         "multibyte password over it in bytes but within it in characters is accepted and stored cut to the "
         "maximum in bytes (every password authenticating is cut alike)",
         request_transform=t.passwords_as_stored(limits.password_cut_over_max), applies=t.password_counts_bytes),
    rest("password-validation-max-in-characters", "USER-CREATE-PASSWORD-LENGTH", "the server's own validation "
         "maximum is counted in characters: a multibyte password over it in bytes gets the over-max outcome instead "
         "of invalid-value", request_transform=t.refuse_create_as(
             "bcrypt_error", "bcrypt: password length exceeds 72 bytes", limits.validation_max_in_characters),
         applies=t.password_counts_bytes),
    rest("missing-password-defaulted", "USER-CREATE-BODY-FIELDS", "a create without a password (or an empty one) "
         "gets a default", request_transform=t.default_password),
    # ---- name and password rules ----
    rest("name-first-char-accepted", "USER-CREATE-NAME-FIRST-CHAR", "a userName not starting with a letter gets an "
         "A first", request_transform=t.on_create_field("userName", t.first_char_not_letter, t.letter_first)),
    rest("name-charset-accepted", "USER-CREATE-NAME-CHARSET", "forbidden characters in a userName are silently "
         "removed", request_transform=t.on_create_field("userName", t.has_forbidden_chars, t.drop_forbidden_chars)),
    rest("name-case-folded", "USER-CREATE-NAME-CASE", "userName is lower-cased before the create",
         request_transform=t.on_create_field("userName", t.has_upper, t.lower)),
    rest("class-rule-ignored", "USER-CREATE-PASSWORD-CLASSES", "a password with too few classes is made valid "
         "(profiles with a class rule only)", applies=t.has_class_rule,
         request_transform=t.on_create_field("password", t.too_few_classes, t.add_classes)),
    rest("class-rule-imposed", "USER-CREATE-PASSWORD-CLASSES", "a password with fewer than 3 classes is refused "
         "(1100) where the profile has no class rule", applies=lambda p: not t.has_class_rule(p),
         request_transform=t.refuse_create(t.few_classes, 1100, "invalid password")),
    # ---- state ----
    rest("user-not-created", "USER-CREATE-SEMANTICS", "a create answers success but the user is dropped right after",
         response_transform=t.not_created),
    rest("created-other-name", "USER-CREATE-SEMANTICS", 'the user is created with "x" appended to userName',
         request_transform=t.on_create_field("userName", t.non_empty, t.append_x)),
    rest("created-other-password", "USER-CREATE-SEMANTICS", 'the user is created with "x" appended to the password',
         request_transform=t.on_create_field("password", t.non_empty, t.append_x)),
    rest("password-prefix-compared", "USER-CREATE-SEMANTICS", f"only the first {limits.PREFIX_BYTES} bytes of a "
         "password count: cut so on create, update_password and in every Authorization header",
         request_transform=t.passwords_as_stored(limits.password_prefix)),
    rest("concurrent-duplicates-succeed", "USER-CREATE-CONCURRENCY", "a create that overlaps another create of the "
         "same name answers success instead of the duplicate error (a check-then-insert race)",
         around=t.concurrent_duplicates_succeed),
    rest("user-cap-ignored", "USER-CREATE-USER-CAP", "a create over the user limit answers code 0 (creates nothing)",
         response_transform=t.on_create_answer(t.is_cap, t.answer(t.OK)), needs_fill=True),
    # ---- REST and SDK alike ----
    rest("surfaces-disagree-name-too-long", "SURFACE-PARITY", "REST refuses a userName over the maximum with the "
         "missing-field code where the SDK gives invalid-value", also_violates=("USER-CREATE-NAME-LENGTH",),
         request_transform=t.refuse_create_as("missing_field", "userName is required", t.name_over_max,
                                              key="userName")),
    # ---- the siblings a create test needs ----
    rest("drop-root-accepted", "USER-DROP-ENVELOPE", "users/drop of root answers success (not forwarded)",
         request_transform=t.drop_root),
    rest("drop-noop", "USER-DROP-SEMANTICS", "users/drop answers success and drops nothing (not forwarded)",
         request_transform=t.drop_noop),
    rest("drop-unknown-refused", "USER-DROP-ENVELOPE", "users/drop of a user that does not exist answers 65535",
         request_transform=t.drop_unknown_refused),
    rest("list-omits-new-users", "USER-LIST-ENVELOPE", "users/list leaves out the users created through the proxy",
         response_transform=t.list_omits_created),
    rest("describe-data-object", "USER-DESCRIBE-ENVELOPE", "users/describe answers data as an object, not the list "
         "of role names", response_transform=t.describe_data_object),
    rest("update-password-ignored", "USER-UPDATE-PASSWORD-ENVELOPE", "users/update_password answers success "
         "without changing the password", request_transform=t.update_password_ignored),
    # ---- headers, methods, routes, body ----
    rest("content-type-text", "USER-CREATE-CONTENT-TYPE", "JSON answers of create carry Content-Type text/plain",
         response_transform=t.text_content_type),
    rest("request-content-type-enforced", "USER-CREATE-CONTENT-TYPE", "a create without Content-Type "
         "application/json answers 1801",
         request_transform=t.refuse_create(t.no_json_content_type, 1801, "can only accept json format request")),
    rest("wrong-method-accepted", "USER-CREATE-UNKNOWN-ROUTE", "any method on the create route is forwarded as POST",
         request_transform=t.as_post),
    rest("trailing-slash-accepted", "USER-CREATE-UNKNOWN-ROUTE", "POST .../users/create/ is forwarded to "
         ".../users/create", request_transform=t.no_slash),
    rest("timeout-ignored", "USER-CREATE-REQUEST-TIMEOUT", "the Request-Timeout header is stripped (the create "
         "answers normally)", request_transform=t.strip_timeout),
    rest("timeout-unparsable-refused", "USER-CREATE-REQUEST-TIMEOUT", "a create with an unparsable Request-Timeout "
         "answers 1100", request_transform=t.refuse_create(t.unparsable_timeout, 1100, "invalid Request-Timeout")),
    rest("unknown-field-rejected", "USER-CREATE-UNKNOWN-FIELDS", "a create body with an unknown field answers 1801",
         request_transform=t.refuse_create(t.has_unknown_field, 1801, "unknown field")),
]
