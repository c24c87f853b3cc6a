"""The SDK faults injected by the gRPC proxy (faults/grpc_proxy.py), as data: each is one small,
named defect of the server as the SDK sees it, and the ONE requirement (written out in full) it
violates. The transformations are in faults/sdk_transforms.py."""

from __future__ import annotations

from pymilvus.grpc_gen import common_pb2

from milvus_conformance.faults import limits
from milvus_conformance.faults import sdk_transforms as t
from milvus_conformance.faults.model import Fault

AUTH_OFF = ("--allow-auth-disabled",)  # else preflight stops the run (status 3) before any case


def sdk(name: str, requirement: str, description: str, **hooks) -> Fault:
    return Fault(name, requirement, description, layer="grpc", **hooks)


PREFIX_REQUEST, PREFIX_METADATA = t.passwords_as_stored(limits.password_prefix)
MAX_CHARS_REQUEST, MAX_CHARS_METADATA = t.passwords_as_stored(limits.password_cut_over_max)
SDK_FAULTS = [
    sdk(
        "sdk-duplicate-accepted",
        "USER-CREATE-DUPLICATE",
        "gRPC: a duplicate CreateCredential answers success",
        response_transform=t.duplicate_ok,
    ),
    sdk(
        "sdk-code-1100-to-65535",
        "USER-CREATE-NAME-CHARSET",
        "gRPC: CreateCredential invalid-value errors (1100) carry 65535",
        response_transform=t.code_1100_to_65535,
    ),
    sdk(
        "sdk-permission-swallowed",
        "USER-CREATE-PERMISSION",
        "gRPC: a CreateCredential refused with PERMISSION_DENIED answers success",
        response_transform=t.permission_swallowed,
    ),
    sdk(
        "sdk-auth-not-enforced",
        "USER-CREATE-AUTHORIZATION-ENABLED",
        "gRPC: no authentication at all: every call runs as the admin, whatever credentials it carries",
        metadata_transform=t.auth_not_enforced,
        suite_args=AUTH_OFF,
        also_violates=("USER-CREATE-PERMISSION",),
    ),
    sdk(
        "sdk-user-not-created",
        "USER-CREATE-SEMANTICS",
        "gRPC: CreateCredential answers success but the user is dropped right after",
        response_transform=t.not_created,
    ),
    sdk(
        "sdk-password-altered",
        "USER-CREATE-SEMANTICS",
        'gRPC: the user is created with "x" appended to the password',
        request_transform=t.password_altered,
    ),
    sdk(
        "sdk-password-prefix-compared",
        "USER-CREATE-SEMANTICS",
        f"gRPC: only the first {limits.PREFIX_BYTES} bytes "
        "of a password count: cut so on CreateCredential and in every call's credentials",
        request_transform=PREFIX_REQUEST,
        metadata_transform=PREFIX_METADATA,
    ),
    sdk(
        "sdk-concurrent-duplicates-succeed",
        "USER-CREATE-CONCURRENCY",
        "gRPC: a CreateCredential that overlaps "
        "another of the same name answers success instead of the duplicate error",
        around=t.concurrent_duplicates_succeed,
    ),
    sdk(
        "sdk-name-over-max-accepted",
        "USER-CREATE-NAME-LENGTH",
        "gRPC: a username over the maximum (33 bytes) is cut to it and created",
        request_transform=t.name_cut,
    ),
    sdk(
        "sdk-name-at-max-refused",
        "USER-CREATE-NAME-LENGTH",
        "gRPC: a username of exactly the maximum length is refused (1100)",
        around=t.refuse_create_as("invalid_value", "invalid user name length", limits.name_at_max, "username"),
    ),
    sdk(
        "sdk-password-at-min-refused",
        "USER-CREATE-PASSWORD-LENGTH",
        "gRPC: a password of exactly the minimum length is refused (1100)",
        around=t.refuse_create_as("invalid_value", "invalid password length", limits.password_at_min),
    ),
    sdk(
        "sdk-password-at-max-refused",
        "USER-CREATE-PASSWORD-LENGTH",
        "gRPC: a password of exactly the maximum length gets the over-max outcome",
        around=t.refuse_create_as("bcrypt_error", "bcrypt: password length exceeds 72 bytes", limits.password_at_max),
    ),
    sdk(
        "sdk-password-min-in-characters",
        "USER-CREATE-PASSWORD-LENGTH",
        "gRPC: the minimum is counted in characters (the maximum stays in bytes)",
        applies=t.counts_bytes,
        around=t.refuse_create_as("invalid_value", "invalid password length", limits.min_in_characters),
    ),
    sdk(
        "sdk-password-max-in-characters",
        "USER-CREATE-PASSWORD-LENGTH",
        "gRPC: the maximum is counted in "
        "characters: a multibyte password over it in bytes is accepted, stored and compared cut to the maximum",
        applies=t.counts_bytes,
        request_transform=MAX_CHARS_REQUEST,
        metadata_transform=MAX_CHARS_METADATA,
    ),
    sdk(
        "sdk-password-validation-max-in-characters",
        "USER-CREATE-PASSWORD-LENGTH",
        "gRPC: the server's own "
        "validation maximum is counted in characters (the over-max outcome instead of invalid-value)",
        applies=t.counts_bytes,
        around=t.refuse_create_as(
            "bcrypt_error", "bcrypt: password length exceeds 72 bytes", limits.validation_max_in_characters
        ),
    ),
    sdk(
        "sdk-missing-password-defaulted",
        "USER-CREATE-BODY-FIELDS",
        "gRPC: a CreateCredential with an empty password gets a default one",
        request_transform=t.rewrite_create("password", t.empty, t.default_password),
    ),
    sdk(
        "sdk-name-first-char-accepted",
        "USER-CREATE-NAME-FIRST-CHAR",
        "gRPC: a username not starting with a letter gets an A first",
        request_transform=t.rewrite_create("username", t.first_char_not_letter, t.letter_first),
    ),
    sdk(
        "sdk-name-case-folded",
        "USER-CREATE-NAME-CASE",
        "gRPC: the username is lower-cased before the create",
        request_transform=t.rewrite_create("username", t.has_upper, t.lower),
    ),
    sdk(
        "sdk-class-rule-imposed",
        "USER-CREATE-PASSWORD-CLASSES",
        "gRPC: a password with fewer than 3 classes is refused (1100) where the profile has no class rule",
        applies=lambda p: not t.has_class_rule(p),
        around=t.refuse_create_as("invalid_value", "invalid password", t.few_classes),
    ),
    sdk(
        "sdk-user-cap-ignored",
        "USER-CREATE-USER-CAP",
        "gRPC: a CreateCredential over the user limit answers success (creates nothing)",
        response_transform=t.cap_ok,
        needs_fill=True,
    ),
    sdk(
        "sdk-describe-empty",
        "USER-DESCRIBE-ENVELOPE",
        "gRPC: SelectUser answers no result for an existing user",
        response_transform=t.describe_empty,
    ),
    sdk(
        "sdk-drop-root-accepted",
        "USER-DROP-ENVELOPE",
        "gRPC: DeleteCredential of root answers success (not forwarded)",
        around=t.answer_without_forwarding(
            "DeleteCredential", lambda req: req.username == "root", lambda req: common_pb2.Status()
        ),
    ),
    sdk(
        "sdk-drop-noop",
        "USER-DROP-SEMANTICS",
        "gRPC: DeleteCredential answers success and deletes nothing",
        request_transform=t.drop_noop,
    ),
    sdk(
        "sdk-update-password-ignored",
        "USER-UPDATE-PASSWORD-ENVELOPE",
        "gRPC: UpdateCredential answers success without changing the password",
        around=t.answer_without_forwarding("UpdateCredential", lambda req: True, lambda req: common_pb2.Status()),
    ),
    sdk(
        "sdk-list-omits-new-users",
        "USER-LIST-ENVELOPE",
        "gRPC: ListCredUsers leaves out the users created through the proxy",
        response_transform=t.list_omits_created,
    ),
    sdk(
        "sdk-error-as-rpc-error",
        "SDK-CREATE-USER-EXCEPTION",
        "gRPC: CreateCredential error statuses become a raw INVALID_ARGUMENT gRPC error",
        response_transform=t.error_as_rpc_error,
    ),
]
