"""Raw create bodies (CF section 3, "Body handling"). Each builder gets (users, password) and returns
(content, name): the exact bytes to send and the fresh user name the body could create (None when it
holds no usable name). `data`:
- `kind`: outcome kind per CF section 3 (malformed_body / missing_field / ok); the code, status and
  Content-Type of that kind come from the active profile;
- `doc`: the kind the documented contract implies (None: the docs do not say, no deviation possible);
- `kind_if`: (profile key, {value: kind}) - the kind depends on a profile value (None: skip);
- `headers`: request headers (default: Content-Type application/json)."""
import json

from milvus_conformance.harness.scenarios import Row

MALFORMED, FIELDS = "USER-CREATE-MALFORMED-BODY", "USER-CREATE-BODY-FIELDS"
UNKNOWN, CTYPE = "USER-CREATE-UNKNOWN-FIELDS", "USER-CREATE-CONTENT-TYPE"
JSON_CT = {"Content-Type": "application/json"}
PAD = 1024 * 1024   # 1 MB of padding in an unknown field


def _raw(text):
    return lambda users, pw: (text, None)


def _with(**fields):
    """A JSON object: userName (a fresh name unless given) and password, plus `fields`; a field
    given as None is left out, `...` means JSON null."""
    def build(users, pw):
        body = {"userName": users.name(), "password": pw}
        for key, value in fields.items():
            if value is None:
                body.pop(key, None)
            else:
                body[key] = None if value is ... else value
        name = body.get("userName") if isinstance(body.get("userName"), str) else None
        return json.dumps(body), name
    return build


def _trailing(garbage):
    def build(users, pw):
        name = users.name()
        return json.dumps({"userName": name, "password": pw}) + garbage, name
    return build


def _case_variant(users, pw):
    name = users.name()
    return json.dumps({"username": name, "password": pw}), name


def _padded(users, pw):
    # The padding field is called "secret" so that the recorded exchange keeps only its length
    # (the redactor replaces secret-looking fields with "<redacted: N chars>"), not 1 MB of text.
    name = users.name()
    return json.dumps({"userName": name, "password": pw, "secret": "x" * PAD}), name


def _rows_wrong_type(field_name, requirement):
    values = [("number", 123), ("array", ["a"]), ("object", {"a": "b"}), ("bool", True)]
    rows = [Row(f"{field_name}-{label}", (MALFORMED, requirement), _with(**{field_name: value}),
                data={"kind": "malformed_body", "doc": "malformed_body"}) for label, value in values]
    rows.append(Row(f"{field_name}-null", (FIELDS,), _with(**{field_name: ...}),
                    data={"kind": "missing_field", "doc": "missing_field"}))
    return rows


BODY_ROWS = [
    # not a JSON object at all
    Row("empty-body", (MALFORMED,), _raw(""), data={"kind": "malformed_body", "doc": "malformed_body"}),
    Row("invalid-json", (MALFORMED,), _raw('{"userName": '),
        data={"kind": "malformed_body", "doc": "malformed_body"}),
    Row("not-json-text", (MALFORMED,), _raw("userName=abc&password=def"),
        data={"kind": "malformed_body", "doc": "malformed_body"}),
    Row("json-array", (MALFORMED,), _raw("[]"), data={"kind": "malformed_body", "doc": "malformed_body"}),
    Row("json-string", (MALFORMED,), _raw('"userName"'),
        data={"kind": "malformed_body", "doc": "malformed_body"}),
    Row("json-number", (MALFORMED,), _raw("42"), data={"kind": "malformed_body", "doc": "malformed_body"}),
    # JSON without the fields
    Row("json-null", (FIELDS,), _raw("null"), data={"kind": "missing_field", "doc": "missing_field"}),
    Row("empty-object", (FIELDS,), _raw("{}"), data={"kind": "missing_field", "doc": "missing_field"}),
    Row("userName-missing", (FIELDS,), _with(userName=None),
        data={"kind": "missing_field", "doc": "missing_field"}),
    Row("password-missing", (FIELDS,), _with(password=None),
        data={"kind": "missing_field", "doc": "missing_field"}),
    Row("password-empty", (FIELDS,), _with(password=""),
        data={"kind": "missing_field", "doc": "missing_field"}),
    # fields of the wrong JSON type
    *_rows_wrong_type("userName", "USER-CREATE-NAME-CHARSET"),
    *_rows_wrong_type("password", "USER-CREATE-PASSWORD-LENGTH"),
    # accepted: unknown fields are ignored, the Content-Type is not checked, trailing data after the
    # first JSON value is not read (gin's JSON binding decodes one value)
    Row("unknown-fields", (UNKNOWN,), _with(comment="ignored", extra={"nested": [1, 2]}),
        data={"kind": "ok"}),
    Row("very-large-body", (UNKNOWN,), _padded, data={"kind": "ok"}),
    Row("trailing-garbage", (MALFORMED,), _trailing(" garbage"), data={"kind": "ok"}),
    Row("content-type-text-plain", (CTYPE,), _with(), data={"kind": "ok", "headers": {
        "Content-Type": "text/plain"}}),
    Row("content-type-none", (CTYPE,), _with(), data={"kind": "ok", "headers": {}}),
    Row("content-type-form", (CTYPE,), _with(), data={"kind": "ok", "headers": {
        "Content-Type": "application/x-www-form-urlencoded"}}),
    # "username": Go's encoding/json matches keys case-insensitively (UNCONFIRMED in CF: profile key)
    Row("case-variant-key", (FIELDS,), _case_variant,
        data={"kind_if": ("rest.keys_case_insensitive", {True: "ok", False: "missing_field"})}),
]
