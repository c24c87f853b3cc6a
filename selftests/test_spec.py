"""Self-tests for specs/openapi.yaml and milvus_conformance/contract/spec.py (no server needed)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from milvus_conformance.contract.spec import (  # noqa: E402
    SPEC_PATH,
    envelope_validator,
    load_spec,
    spec_version,
    to_json_schema,
)

SPEC = load_spec()
PATHS = {
    "/v2/vectordb/users/create": "createUser",
    "/v2/vectordb/users/list": "listUsers",
    "/v2/vectordb/users/describe": "describeUser",
    "/v2/vectordb/users/drop": "dropUser",
    "/v2/vectordb/users/update_password": "updatePassword",
}
REQUIREMENTS = {
    "createUser": {
        "USER-CREATE-ROUTE",
        "USER-CREATE-AUTH-REQUIRED",
        "USER-CREATE-SUCCESS-ENVELOPE",
        "USER-CREATE-ERROR-ENVELOPE",
        "USER-CREATE-NAME-FIRST-CHAR",
        "USER-CREATE-NAME-CHARSET",
        "USER-CREATE-PASSWORD-LENGTH",
        "USER-CREATE-PASSWORD-CLASSES",
        "USER-CREATE-REQUEST-TIMEOUT",
    },
    "listUsers": {"USER-LIST-ENVELOPE"},
    "describeUser": {"USER-DESCRIBE-ENVELOPE"},
    "dropUser": {"USER-DROP-ENVELOPE"},
    "updatePassword": {"USER-UPDATE-PASSWORD-ENVELOPE"},
}


def operations() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}:
                yield f"{method.upper()} {path}", op


def op_by_id(operation_id: str) -> dict[str, Any]:
    return next(op for _, op in operations() if op["operationId"] == operation_id)


def resolve(ref: str) -> Any:
    assert ref.startswith("#/"), f"non-local $ref {ref}"
    node: Any = SPEC
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = resolve(node["$ref"])
    return node


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


def password_classes(password: str) -> int:
    """Number of documented character types present (special = not an ASCII letter or digit)."""
    return sum(
        [
            any("A" <= c <= "Z" for c in password),
            any("a" <= c <= "z" for c in password),
            any("0" <= c <= "9" for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        ]
    )


CREATE_EXAMPLES = op_by_id("createUser")["requestBody"]["content"]["application/json"]["examples"]
CLASS_RULE = SPEC["components"]["schemas"]["Password"]["x-password-character-classes"]


# --- the document itself -------------------------------------------------------------------


def test_spec_path_and_version() -> None:
    assert SPEC_PATH == REPO_ROOT / "specs" / "openapi.yaml" and SPEC_PATH.is_file()
    assert SPEC["openapi"] == "3.0.3"
    assert spec_version() == SPEC["info"]["version"] == "1.0.0"


def test_load_spec_returns_a_copy() -> None:
    first = load_spec()
    first["info"]["version"] = "mutated"
    assert load_spec()["info"]["version"] == "1.0.0"


def test_validates_as_openapi_30() -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator, validate

    validate(load_spec(), cls=OpenAPIV30SpecValidator)


def test_info_names_both_seeds() -> None:
    description = SPEC["info"]["description"]
    assert "000_f9873f25e0d0532f.txt" in description
    assert "001_c716908a5eb04465.txt" in description


def test_server_variable_default() -> None:
    server = SPEC["servers"][0]
    name = server["url"].strip("{}")
    assert server["variables"][name]["default"] == "http://127.0.0.1:19530"


def test_bearer_auth_applied_globally() -> None:
    scheme = SPEC["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert {"bearerAuth": []} in SPEC["security"]
    for _, op in operations():
        assert "security" not in op, "operations must inherit the global security"


def test_every_ref_resolves() -> None:
    refs = [(where, node["$ref"]) for where, node in walk(SPEC) if isinstance(node, dict) and "$ref" in node]
    assert refs
    for where, ref in refs:
        try:
            resolve(ref)
        except (KeyError, AssertionError) as exc:
            pytest.fail(f"{where}: $ref {ref!r} does not resolve ({exc!r})")


# --- operations ------------------------------------------------------------------------------


def test_five_post_operations_with_ids() -> None:
    found = {label: op["operationId"] for label, op in operations()}
    assert found == {f"POST {path}": op_id for path, op_id in PATHS.items()}


@pytest.mark.parametrize("operation_id", sorted(REQUIREMENTS))
def test_x_requirements(operation_id: str) -> None:
    reqs = op_by_id(operation_id).get("x-requirements")
    assert isinstance(reqs, list) and len(reqs) == len(set(reqs))
    assert set(reqs) == REQUIREMENTS[operation_id]


def test_request_timeout_header() -> None:
    params = [deref(p) for p in op_by_id("createUser")["parameters"]]
    [timeout] = [p for p in params if p["name"] == "Request-Timeout"]
    assert timeout["in"] == "header" and timeout.get("required", False) is False
    assert timeout["schema"] == {"type": "integer"}


def test_create_request_schema_shape() -> None:
    body = op_by_id("createUser")["requestBody"]
    assert body["required"] is True
    schema = deref(body["content"]["application/json"]["schema"])
    assert set(schema["required"]) == {"userName", "password"}
    assert schema.get("additionalProperties", True) is not False
    name = deref(schema["properties"]["userName"])
    assert name["pattern"] == "^[A-Za-z][A-Za-z0-9_]*$" and name["minLength"] == 1
    assert "maxLength" not in name, "no maximum name length is documented"
    password = deref(schema["properties"]["password"])
    assert (password["minLength"], password["maxLength"]) == (8, 64)
    assert "pattern" not in password, "the class rule must not be a lookahead regex"
    assert CLASS_RULE == {"min": 3, "of": ["uppercase", "lowercase", "digit", "special"]}


@pytest.mark.parametrize(
    ("status", "media_type"),
    [
        ("200", "application/json"),
        ("401", "application/json"),
        ("403", "application/json"),
        ("404", "text/plain"),
        ("408", "application/json"),
        ("408", "text/plain"),
    ],
)
@pytest.mark.parametrize("operation_id", sorted(REQUIREMENTS))
def test_documented_responses(operation_id: str, status: str, media_type: str) -> None:
    response = deref(op_by_id(operation_id)["responses"][status])
    assert media_type in response["content"]
    if status != "200":
        assert "Not in the seeds" in response["description"]


# --- envelopes ---------------------------------------------------------------------------------

ACCEPT = [{"code": 0, "data": {}}, {"code": 1100, "message": "x"}]
REJECT = [{"code": 0}, {"code": "0", "data": {}}, {"code": 1100}, {"code": 0, "message": "x"}]


@pytest.mark.parametrize("body", ACCEPT, ids=str)
def test_default_envelope_accepts(body: dict[str, Any]) -> None:
    envelope_validator("DefaultEnvelope").validate(body)


@pytest.mark.parametrize("body", REJECT, ids=str)
def test_default_envelope_rejects(body: dict[str, Any]) -> None:
    assert not envelope_validator("DefaultEnvelope").is_valid(body)


def test_named_envelopes() -> None:
    success, error = envelope_validator("SuccessEnvelope"), envelope_validator("ErrorEnvelope")
    assert success.is_valid(ACCEPT[0]) and not success.is_valid(ACCEPT[1])
    assert error.is_valid(ACCEPT[1]) and not error.is_valid(ACCEPT[0])
    assert not error.is_valid({"code": 1.5, "message": "x"})
    assert not success.is_valid({"code": 200, "data": {}}), "2.4.0-2.4.2 success code 200 is a deviation"
    for name in ("ListUsersEnvelope", "DescribeUserEnvelope"):
        validator = envelope_validator(name)
        assert validator.is_valid({"code": 0, "data": ["root"]}) and validator.is_valid({"code": 0, "data": []})
        assert validator.is_valid(ACCEPT[1])
        assert not validator.is_valid({"code": 0, "data": {}}) and not validator.is_valid({"code": 0, "data": [1]})
        for body in REJECT:
            assert not validator.is_valid(body)


def test_envelope_validator_unknown_name() -> None:
    with pytest.raises(KeyError):
        envelope_validator("NoSuchSchema")


def test_to_json_schema_handles_openapi_keywords() -> None:
    converted = to_json_schema(
        {"type": "string", "nullable": True, "example": "x", "properties": {"example": {"type": "integer"}}}
    )
    validator = jsonschema.Draft4Validator(converted)
    assert validator.is_valid(None) and validator.is_valid("x") and not validator.is_valid(1)
    assert converted["anyOf"][0]["properties"] == {"example": {"type": "integer"}}


def response_examples() -> Iterator[tuple[str, dict[str, Any], Any]]:
    for label, op in operations():
        for status, response in op["responses"].items():
            for media_type, media in deref(response)["content"].items():
                values = [("example", media["example"])] if "example" in media else []
                values += [(name, ex["value"]) for name, ex in media.get("examples", {}).items()]
                for name, value in values:
                    yield f"{label} {status} {media_type} {name}", media["schema"], value


@pytest.mark.parametrize(
    ("schema", "value"), [(s, v) for _, s, v in response_examples()], ids=[i for i, _, _ in response_examples()]
)
def test_response_examples_match_their_schema(schema: dict[str, Any], value: Any) -> None:
    if "$ref" in schema:
        envelope_validator(schema["$ref"].rsplit("/", 1)[-1]).validate(value)
    else:
        jsonschema.Draft4Validator(to_json_schema(schema)).validate(value)


def test_seed_success_example_present() -> None:
    content = op_by_id("createUser")["responses"]["200"]["content"]["application/json"]
    assert {"code": 0, "data": {}} in [ex["value"] for ex in content["examples"].values()]


# --- create request examples cannot drift from the schema --------------------------------------


def test_doc_example_present() -> None:
    assert CREATE_EXAMPLES["doc_example"]["value"] == {"password": "P@ssw0rd", "userName": "milvusAdmin"}


@pytest.mark.parametrize("name", sorted(CREATE_EXAMPLES))
def test_create_example_matches_schema(name: str) -> None:
    example = CREATE_EXAMPLES[name]
    value, expected = example["value"], example["x-expected"]
    assert expected in {"accept", "reject"} and name.startswith(("valid_", "doc_", "invalid_"))
    assert (expected == "reject") == name.startswith("invalid_")
    assert example["x-requirement"] in REQUIREMENTS["createUser"]
    schema_ok = envelope_validator("CreateUserRequest").is_valid(value)
    password = value.get("password")
    classes_ok = not isinstance(password, str) or password_classes(password) >= CLASS_RULE["min"]
    if expected == "accept":
        assert schema_ok and classes_ok, f"{name} should satisfy the documented contract"
    elif example["x-requirement"] == "USER-CREATE-PASSWORD-CLASSES":
        # Class-rule examples must be rejected by the class rule alone, not by the JSON Schema.
        assert schema_ok and not classes_ok, f"{name} must fail only the character-class rule"
    else:
        assert not schema_ok, f"{name} should be rejected by the JSON Schema"


@pytest.mark.parametrize(
    ("name", "length"),
    [
        ("valid_minimal", 8),
        ("valid_password_8_chars", 8),
        ("valid_password_64_chars", 64),
        ("invalid_password_7_chars", 7),
        ("invalid_password_65_chars", 65),
    ],
)
def test_password_length_boundaries(name: str, length: int) -> None:
    password = CREATE_EXAMPLES[name]["value"]["password"]
    assert len(password) == length and password_classes(password) >= 3


# --- links and schemathesis ----------------------------------------------------------------------


def all_links() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for _, op in operations():
        for response in op["responses"].values():
            for name, link in deref(response).get("links", {}).items():
                yield op["operationId"], name, deref(link)


def test_links_reference_existing_operations_and_fields() -> None:
    ids = {op["operationId"] for _, op in operations()}
    edges = {(source, link["operationId"]) for source, _, link in all_links()}
    assert edges == {
        ("createUser", "describeUser"),
        ("createUser", "dropUser"),
        ("createUser", "updatePassword"),
        ("dropUser", "describeUser"),
    }
    for source, name, link in all_links():
        assert link["operationId"] in ids, name
        source_body = deref(op_by_id(source)["requestBody"]["content"]["application/json"]["schema"])
        target_body = deref(op_by_id(link["operationId"])["requestBody"]["content"]["application/json"]["schema"])
        for field, expression in link["requestBody"].items():
            assert field in target_body["properties"], f"{name}: {field} not in target body"
            prefix = "$request.body#/"
            assert expression.startswith(prefix) and expression[len(prefix) :] in source_body["properties"]
    update = next(link for _, name, link in all_links() if link["operationId"] == "updatePassword")
    assert update["requestBody"]["password"] == "$request.body#/password"


def test_schemathesis_loads_spec() -> None:
    import schemathesis

    schema = schemathesis.openapi.from_path(str(SPEC_PATH))
    ops = [result.ok() for result in schema.get_all_operations()]
    assert sorted(op.label for op in ops) == sorted(f"POST {path}" for path in PATHS)
    assert schema.declared_base_url == "http://127.0.0.1:19530"
    for operation_id in PATHS.values():
        schema.find_operation_by_id(operation_id)
    rules = {name for name in dir(schema.as_state_machine()) if "__200_" in name}
    for link in ("DescribeCreatedUser", "DropCreatedUser", "UpdateCreatedUserPassword", "DescribeDroppedUser"):
        assert any(f"_{link}_" in rule for rule in rules), f"link {link} not turned into a transition"
