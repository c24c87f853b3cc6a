"""The REST faults of the rules, as data (lengths, name and password rules, state, the sibling
operations a create test needs): each is one small, named defect injected by the HTTP proxy and the
ONE requirement it violates. faults/rest_faults.py holds the protocol's faults and the whole list."""

from __future__ import annotations

from milvus_conformance.faults import limits
from milvus_conformance.faults import rest_transforms as t
from milvus_conformance.faults.model import Fault


def rest(name: str, requirement: str, description: str, **hooks) -> Fault:
    return Fault(name, requirement, description, layer="http", **hooks)


RULE_FAULTS = [
    # ---- length boundaries: off by one, exclusive bounds, the wrong unit ----
    rest(
        "name-over-max-accepted",
        "USER-CREATE-NAME-LENGTH",
        "a userName over the maximum (33 bytes) is cut to it and created",
        request_transform=t.on_create_field("userName", t.name_over_max, t.cut_name_to_max),
    ),
    rest(
        "name-at-max-refused",
        "USER-CREATE-NAME-LENGTH",
        "a userName of exactly the maximum length is refused (1100): the bound taken as exclusive",
        request_transform=t.refuse_create_as(
            "invalid_value", "invalid user name length", limits.name_at_max, key="userName"
        ),
    ),
    rest(
        "password-over-max-accepted",
        "USER-CREATE-PASSWORD-LENGTH",
        "a password over the maximum (73 bytes) is cut to it",
        request_transform=t.on_create_field("password", t.password_over_max, t.cut_password_to_max),
    ),
    rest(
        "password-under-min-accepted",
        "USER-CREATE-PASSWORD-LENGTH",
        "a password under the minimum (5 bytes) is padded to it",
        request_transform=t.on_create_field("password", t.password_under_min, t.pad_password_to_min),
    ),
    rest(
        "password-at-min-refused",
        "USER-CREATE-PASSWORD-LENGTH",
        "a password of exactly the minimum length is refused (1100): the bound taken as exclusive",
        request_transform=t.refuse_create_as("invalid_value", "invalid password length", limits.password_at_min),
    ),
    rest(
        "password-at-max-refused",
        "USER-CREATE-PASSWORD-LENGTH",
        "a password of exactly the maximum length is refused with the over-max outcome: the bound taken as exclusive",
        request_transform=t.refuse_create_as(
            "bcrypt_error", "bcrypt: password length exceeds 72 bytes", limits.password_at_max
        ),
    ),
    rest(
        "password-min-in-characters",
        "USER-CREATE-PASSWORD-LENGTH",
        "the minimum is counted in characters (the "
        "maximum stays in bytes): a multibyte password long enough in bytes but short in characters is refused",
        request_transform=t.refuse_create_as("invalid_value", "invalid password length", limits.min_in_characters),
        applies=t.password_counts_bytes,
    ),
    rest(
        "password-max-in-characters",
        "USER-CREATE-PASSWORD-LENGTH",
        "the maximum is counted in characters: a "
        "multibyte password over it in bytes but within it in characters is accepted and stored cut to the "
        "maximum in bytes (every password authenticating is cut alike)",
        request_transform=t.passwords_as_stored(limits.password_cut_over_max),
        applies=t.password_counts_bytes,
    ),
    rest(
        "password-validation-max-in-characters",
        "USER-CREATE-PASSWORD-LENGTH",
        "the server's own validation "
        "maximum is counted in characters: a multibyte password over it in bytes gets the over-max outcome instead "
        "of invalid-value",
        request_transform=t.refuse_create_as(
            "bcrypt_error", "bcrypt: password length exceeds 72 bytes", limits.validation_max_in_characters
        ),
        applies=t.password_counts_bytes,
    ),
    rest(
        "missing-password-defaulted",
        "USER-CREATE-BODY-FIELDS",
        "a create without a password (or an empty one) gets a default",
        request_transform=t.default_password,
    ),
    # ---- name and password rules ----
    rest(
        "name-first-char-accepted",
        "USER-CREATE-NAME-FIRST-CHAR",
        "a userName not starting with a letter gets an A first",
        request_transform=t.on_create_field("userName", t.first_char_not_letter, t.letter_first),
    ),
    rest(
        "name-charset-accepted",
        "USER-CREATE-NAME-CHARSET",
        "forbidden characters in a userName are silently removed",
        request_transform=t.on_create_field("userName", t.has_forbidden_chars, t.drop_forbidden_chars),
    ),
    rest(
        "name-case-folded",
        "USER-CREATE-NAME-CASE",
        "userName is lower-cased before the create",
        request_transform=t.on_create_field("userName", t.has_upper, t.lower),
    ),
    rest(
        "class-rule-ignored",
        "USER-CREATE-PASSWORD-CLASSES",
        "a password with too few classes is made valid (profiles with a class rule only)",
        applies=t.has_class_rule,
        request_transform=t.on_create_field("password", t.too_few_classes, t.add_classes),
    ),
    rest(
        "class-rule-imposed",
        "USER-CREATE-PASSWORD-CLASSES",
        "a password with fewer than 3 classes is refused (1100) where the profile has no class rule",
        applies=lambda p: not t.has_class_rule(p),
        request_transform=t.refuse_create(t.few_classes, 1100, "invalid password"),
    ),
    # ---- state ----
    rest(
        "user-not-created",
        "USER-CREATE-SEMANTICS",
        "a create answers success but the user is dropped right after",
        response_transform=t.not_created,
    ),
    rest(
        "created-other-name",
        "USER-CREATE-SEMANTICS",
        'the user is created with "x" appended to userName',
        request_transform=t.on_create_field("userName", t.non_empty, t.append_x),
    ),
    rest(
        "created-other-password",
        "USER-CREATE-SEMANTICS",
        'the user is created with "x" appended to the password',
        request_transform=t.on_create_field("password", t.non_empty, t.append_x),
    ),
    rest(
        "password-prefix-compared",
        "USER-CREATE-SEMANTICS",
        f"only the first {limits.PREFIX_BYTES} bytes of a "
        "password count: cut so on create, update_password and in every Authorization header",
        request_transform=t.passwords_as_stored(limits.password_prefix),
    ),
    rest(
        "concurrent-duplicates-succeed",
        "USER-CREATE-CONCURRENCY",
        "a create that overlaps another create of the "
        "same name answers success instead of the duplicate error (a check-then-insert race)",
        around=t.concurrent_duplicates_succeed,
    ),
    rest(
        "user-cap-ignored",
        "USER-CREATE-USER-CAP",
        "a create over the user limit answers code 0 (creates nothing)",
        response_transform=t.on_create_answer(t.is_cap, t.answer(t.OK)),
        needs_fill=True,
    ),
    # ---- REST and SDK alike ----
    rest(
        "surfaces-disagree-name-too-long",
        "SURFACE-PARITY",
        "REST refuses a userName over the maximum with the missing-field code where the SDK gives invalid-value",
        also_violates=("USER-CREATE-NAME-LENGTH",),
        request_transform=t.refuse_create_as("missing_field", "userName is required", t.name_over_max, key="userName"),
    ),
    # ---- the siblings a create test needs ----
    rest(
        "drop-root-accepted",
        "USER-DROP-ENVELOPE",
        "users/drop of root answers success (not forwarded)",
        request_transform=t.drop_root,
    ),
    rest(
        "drop-noop",
        "USER-DROP-SEMANTICS",
        "users/drop answers success and drops nothing (not forwarded)",
        request_transform=t.drop_noop,
    ),
    rest(
        "drop-unknown-refused",
        "USER-DROP-ENVELOPE",
        "users/drop of a user that does not exist answers 65535",
        request_transform=t.drop_unknown_refused,
    ),
    rest(
        "list-omits-new-users",
        "USER-LIST-ENVELOPE",
        "users/list leaves out the users created through the proxy",
        response_transform=t.list_omits_created,
    ),
    rest(
        "describe-data-object",
        "USER-DESCRIBE-ENVELOPE",
        "users/describe answers data as an object, not the list of role names",
        response_transform=t.describe_data_object,
    ),
    rest(
        "update-password-ignored",
        "USER-UPDATE-PASSWORD-ENVELOPE",
        "users/update_password answers success without changing the password",
        request_transform=t.update_password_ignored,
    ),
]
