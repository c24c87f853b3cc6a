"""Loader for the documented contract in ``specs/openapi.yaml``.

``load_spec()`` returns the parsed OpenAPI document; ``envelope_validator(name)`` returns a
JSON Schema validator for one ``components/schemas`` entry with ``#/components/schemas/...``
references resolvable.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from milvus_conformance import REPO_ROOT

SPEC_PATH = REPO_ROOT / "specs" / "openapi.yaml"

# Base URI under which the components are registered for $ref resolution.
_SPEC_URI = "urn:milvus-conformance:openapi"

# OpenAPI 3.0 Schema Object keywords that are not JSON Schema (draft 4) keywords.
_OPENAPI_ONLY = frozenset(
    {"nullable", "example", "discriminator", "xml", "externalDocs", "deprecated", "readOnly", "writeOnly"}
)
# Keywords whose value is a mapping of name -> schema.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "definitions"})
# Keywords whose value is a schema (or, for items, a list of schemas).
_SCHEMA_VALUES = frozenset({"items", "additionalProperties", "not"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})


@functools.lru_cache(maxsize=1)
def _load_cached() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_spec() -> dict[str, Any]:
    """Return the parsed OpenAPI document (a fresh copy; callers may mutate it)."""
    return copy.deepcopy(_load_cached())


def spec_version() -> str:
    """Return ``info.version`` of the spec."""
    return str(_load_cached()["info"]["version"])


def to_json_schema(schema: Any) -> Any:
    """Convert an OpenAPI 3.0 Schema Object to plain JSON Schema (draft 4).

    ``nullable: true`` becomes ``anyOf: [<schema>, {"type": "null"}]``; ``example`` and the other
    OpenAPI-only keywords are dropped. Vendor extensions (``x-...``) are kept (validators ignore them).
    """
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _OPENAPI_ONLY:
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in _SCHEMA_VALUES or key in _SCHEMA_LISTS:
            out[key] = to_json_schema(value)
        else:
            out[key] = value
    if schema.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


@functools.lru_cache(maxsize=1)
def _registry() -> Registry:
    schemas = _load_cached().get("components", {}).get("schemas", {})
    document = {"components": {"schemas": {name: to_json_schema(s) for name, s in schemas.items()}}}
    resource = Resource.from_contents(document, default_specification=DRAFT4)
    return Registry().with_resource(_SPEC_URI, resource)


def envelope_validator(name: str) -> jsonschema.Draft4Validator:
    """Return a validator for ``#/components/schemas/<name>`` (refs between components resolve).

    Raises ``KeyError`` if the spec has no such component schema.
    """
    schemas = _load_cached().get("components", {}).get("schemas", {})
    if name not in schemas:
        raise KeyError(f"no component schema {name!r} in {SPEC_PATH}")
    return jsonschema.Draft4Validator(
        {"$ref": f"{_SPEC_URI}#/components/schemas/{name}"},
        registry=_registry(),
    )
