"""Request-body binding as Milvus's REST v2 ``wrapperPost`` does it.

Source: milvus-io/milvus ``internal/distributed/proxy/httpserver/handler_v2.go`` (``wrapperPost``)
and ``request_v2.go`` (the request structs); gin ``Context.ShouldBindBodyWith(req, binding.JSON)``.

    if err := c.ShouldBindBodyWith(req, binding.JSON); err != nil {
        if _, ok := err.(validator.ValidationErrors); ok -> 1802 "missing required parameters, error: " + err
        else if err == io.EOF                            -> 1801 "can only accept json format request,
                                                               the request body should be nil, however {} is valid"
        else                                             -> 1801 "can only accept json format request, error: " + err
    }   (all with HTTP 200)

gin's JSON binding is ``json.NewDecoder(body).Decode(obj)`` followed, only when decoding succeeded,
by go-playground/validator on the ``binding:"required"`` tags. Consequences reproduced here:

* the Content-Type header is never looked at;
* only the first JSON value is read; anything after it is ignored (``{"a":1} garbage`` binds);
* empty or whitespace-only body -> io.EOF -> 1801 (also for ``users/list``, whose ``DatabaseReq``
  has no required field: Milvus answers 1801 there, and ``{}`` or ``null`` are the bodies that work);
* a top-level array / string / number / bool -> ``*json.UnmarshalTypeError`` -> 1801;
* top-level ``null`` leaves the struct zero -> validation -> 1802 (or success for ``list``);
* a string field given a number/bool/array/object -> 1801 (first such error wins; Go keeps
  decoding but reports the first); JSON ``null`` for a string field leaves it unchanged;
* keys match the json tag exactly, else case-insensitively (Go ``foldName``); duplicate keys: each
  is applied in order, so the last non-null one wins; unknown keys are ignored;
* ``required`` on a string fails for "" (zero value); all failing fields are reported, joined by
  newlines, in struct field order (validator ``ValidationErrors.Error()``).
"""

from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.target.gateway import gojson

CODE_INCORRECT_PARAMETER_FORMAT = 1801  # merr.ErrIncorrectParameterFormat
CODE_MISSING_REQUIRED_PARAMETERS = 1802  # merr.ErrMissingRequiredParameters
MSG_INCORRECT_PARAMETER_FORMAT = "can only accept json format request"
MSG_MISSING_REQUIRED_PARAMETERS = "missing required parameters"
MSG_EOF_SUFFIX = ", the request body should be nil, however {} is valid"


@dataclass(frozen=True)
class Field:
    go_name: str  # Go struct field name, used by validator messages ("UserName")
    json_name: str  # json tag ("userName")
    required: bool


@dataclass(frozen=True)
class StructSpec:
    go_name: str  # "PasswordReq"
    fields: tuple[Field, ...]

    @property
    def go_type(self) -> str:
        return "httpserver." + self.go_name


def _f(go: str, js: str, required: bool = True) -> Field:
    return Field(go, js, required)


# request_v2.go
DATABASE_REQ = StructSpec("DatabaseReq", (_f("DbName", "dbName", False),))
USER_REQ = StructSpec("UserReq", (_f("UserName", "userName"),))
PASSWORD_REQ = StructSpec("PasswordReq", (_f("UserName", "userName"), _f("Password", "password")))
NEW_PASSWORD_REQ = StructSpec(
    "NewPasswordReq", (_f("UserName", "userName"), _f("Password", "password"), _f("NewPassword", "newPassword"))
)
USER_ROLE_REQ = StructSpec("UserRoleReq", (_f("UserName", "userName"), _f("RoleName", "roleName")))


class BindError(Exception):
    """A binding failure; ``code``/``message`` are what Milvus puts in the HTTP 200 body."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _match(spec: StructSpec, key: str) -> Field | None:
    for f in spec.fields:
        if f.json_name == key:
            return f
    folded = gojson.fold_name(key)
    for f in spec.fields:
        if gojson.fold_name(f.json_name) == folded:
            return f
    return None


def decode(spec: StructSpec, body: bytes) -> dict[str, str]:
    """``Decoder.Decode`` into the struct; returns {json_name: value}; raises BindError (1801)."""
    try:
        top = gojson.parse_top(body)
    except gojson.GoJSONEOF:
        raise BindError(CODE_INCORRECT_PARAMETER_FORMAT, MSG_INCORRECT_PARAMETER_FORMAT + MSG_EOF_SUFFIX) from None
    except gojson.GoJSONSyntaxError as e:
        raise BindError(CODE_INCORRECT_PARAMETER_FORMAT, MSG_INCORRECT_PARAMETER_FORMAT + ", error: " + str(e)) from e
    values = {f.json_name: "" for f in spec.fields}
    first_error: str | None = None
    if top.kind == "object":
        for key, kind, text in top.members:
            f = _match(spec, key)
            if f is None or kind == "null":
                continue
            if kind == "string":
                values[f.json_name] = text  # type: ignore[assignment]
            elif first_error is None:
                first_error = "json: cannot unmarshal %s into Go struct field %s.%s of type string" % (
                    kind,
                    spec.go_name,
                    f.json_name,
                )
    elif top.kind != "null":
        first_error = "json: cannot unmarshal %s into Go value of type %s" % (top.kind, spec.go_type)
    if first_error is not None:
        raise BindError(CODE_INCORRECT_PARAMETER_FORMAT, MSG_INCORRECT_PARAMETER_FORMAT + ", error: " + first_error)
    return values


def validate(spec: StructSpec, values: dict[str, str]) -> None:
    """go-playground/validator ``required``; raises BindError (1802)."""
    failures = [
        "Key: '%s.%s' Error:Field validation for '%s' failed on the 'required' tag"
        % (spec.go_name, f.go_name, f.go_name)
        for f in spec.fields
        if f.required and values.get(f.json_name, "") == ""
    ]
    if failures:
        raise BindError(
            CODE_MISSING_REQUIRED_PARAMETERS, MSG_MISSING_REQUIRED_PARAMETERS + ", error: " + "\n".join(failures)
        )


def bind(spec: StructSpec, body: bytes) -> dict[str, str]:
    """``ShouldBindBodyWith(req, binding.JSON)``: decode, then validate."""
    values = decode(spec, body)
    validate(spec, values)
    return values
