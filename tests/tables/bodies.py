"""Raw create bodies (CF section 3, "Body handling"). Input: (content, name) - the exact text to send
(with the valid `PASSWORD` where a password belongs) and the fresh user name the body could create
(None when it holds no usable name). Data: `BodyData`."""

import json
from dataclasses import dataclass, field

from milvus_conformance.harness.scenarios import Row
from tests.support import PASSWORD

JSON_CT = {"Content-Type": "application/json"}
PAD = 1024 * 1024  # 1 MB of padding in an unknown field


@dataclass(frozen=True)
class BodyData:
    kind: str | None  # outcome kind per CF section 3; its code, status, Content-Type: profile
    doc: str | None = None  # the kind the documented contract implies (None: the docs do not say)
    kind_if: tuple[str, dict] | None = None  # (profile key, {value: kind}): the kind depends on it
    headers: dict = field(default_factory=lambda: dict(JSON_CT))  # request headers


MALFORMED = BodyData("malformed_body", "malformed_body")
MISSING = BodyData("missing_field", "missing_field")
ACCEPTED = BodyData("ok")


def _raw(text):
    return lambda profile, users: (text, None)


def _with(**fields):
    """A JSON object: userName (a fresh name unless given) and password, plus `fields`; a field
    given as None is left out, `...` means JSON null."""

    def build(profile, users):
        body = {"userName": users.name(), "password": PASSWORD}
        for key, value in fields.items():
            if value is None:
                body.pop(key, None)
            else:
                body[key] = None if value is ... else value
        name = body.get("userName") if isinstance(body.get("userName"), str) else None
        return json.dumps(body), name

    return build


def _trailing(garbage):
    def build(profile, users):
        name = users.name()
        return json.dumps({"userName": name, "password": PASSWORD}) + garbage, name

    return build


def _case_variant(profile, users):
    name = users.name()
    return json.dumps({"username": name, "password": PASSWORD}), name


def _padded(profile, users):
    # The padding field is called "secret" so that the recorded exchange keeps only its length
    # (the redactor replaces secret-looking fields with "<redacted: N chars>"), not 1 MB of text.
    name = users.name()
    return json.dumps({"userName": name, "password": PASSWORD, "secret": "x" * PAD}), name


def _rows_wrong_type(field_name, requirement):
    values = [("number", 123), ("array", ["a"]), ("object", {"a": "b"}), ("bool", True)]
    rows = [
        Row(
            f"{field_name}-{label}",
            ("USER-CREATE-MALFORMED-BODY", requirement),
            _with(**{field_name: value}),
            data=MALFORMED,
        )
        for label, value in values
    ]
    rows.append(Row(f"{field_name}-null", ("USER-CREATE-BODY-FIELDS",), _with(**{field_name: ...}), data=MISSING))
    return rows


BODY_ROWS = [
    # not a JSON object at all
    Row("empty-body", ("USER-CREATE-MALFORMED-BODY",), _raw(""), data=MALFORMED),
    Row("invalid-json", ("USER-CREATE-MALFORMED-BODY",), _raw('{"userName": '), data=MALFORMED),
    Row("not-json-text", ("USER-CREATE-MALFORMED-BODY",), _raw("userName=abc&password=def"), data=MALFORMED),
    Row("json-array", ("USER-CREATE-MALFORMED-BODY",), _raw("[]"), data=MALFORMED),
    Row("json-string", ("USER-CREATE-MALFORMED-BODY",), _raw('"userName"'), data=MALFORMED),
    Row("json-number", ("USER-CREATE-MALFORMED-BODY",), _raw("42"), data=MALFORMED),
    # JSON without the fields
    Row("json-null", ("USER-CREATE-BODY-FIELDS",), _raw("null"), data=MISSING),
    Row("empty-object", ("USER-CREATE-BODY-FIELDS",), _raw("{}"), data=MISSING),
    Row("userName-missing", ("USER-CREATE-BODY-FIELDS",), _with(userName=None), data=MISSING),
    Row("password-missing", ("USER-CREATE-BODY-FIELDS",), _with(password=None), data=MISSING),
    Row("password-empty", ("USER-CREATE-BODY-FIELDS",), _with(password=""), data=MISSING),
    # fields of the wrong JSON type
    *_rows_wrong_type("userName", "USER-CREATE-NAME-CHARSET"),
    *_rows_wrong_type("password", "USER-CREATE-PASSWORD-LENGTH"),
    # accepted: unknown fields are ignored, the Content-Type is not checked, trailing data after the
    # first JSON value is not read (gin's JSON binding decodes one value)
    Row(
        "unknown-fields",
        ("USER-CREATE-UNKNOWN-FIELDS",),
        _with(comment="ignored", extra={"nested": [1, 2]}),
        data=ACCEPTED,
    ),
    Row("very-large-body", ("USER-CREATE-UNKNOWN-FIELDS",), _padded, data=ACCEPTED),
    Row("trailing-garbage", ("USER-CREATE-MALFORMED-BODY",), _trailing(" garbage"), data=ACCEPTED),
    Row(
        "content-type-text-plain",
        ("USER-CREATE-CONTENT-TYPE",),
        _with(),
        data=BodyData("ok", headers={"Content-Type": "text/plain"}),
    ),
    Row("content-type-none", ("USER-CREATE-CONTENT-TYPE",), _with(), data=BodyData("ok", headers={})),
    Row(
        "content-type-form",
        ("USER-CREATE-CONTENT-TYPE",),
        _with(),
        data=BodyData("ok", headers={"Content-Type": "application/x-www-form-urlencoded"}),
    ),
    # "username": Go's encoding/json matches keys case-insensitively (UNCONFIRMED in CF: profile key)
    Row(
        "case-variant-key",
        ("USER-CREATE-BODY-FIELDS",),
        _case_variant,
        data=BodyData(None, kind_if=("rest.keys_case_insensitive", {True: "ok", False: "missing_field"})),
    ),
]
