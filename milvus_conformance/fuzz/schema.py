"""The contract as schemathesis sees it: specs/openapi.yaml with the active profile's constraints
substituted, loaded with the run's target and the tier's phases.

Shaping (`shaped_spec`): where the active profile gives a limit, generation must find the boundary
where that target has it, not where the docs put it.

- userName: `maxLength` = `user_name.max_length`; the pattern admits `user_name.extra_chars` after the
  first letter.
- password / newPassword: `minLength`/`maxLength` = `password.min_length`/`password.max_length`; the
  documented character-class rule (`x-password-character-classes`) is dropped where the profile has
  none. Approximation: JSON Schema counts characters, profiles with `password.length_unit: bytes` count
  UTF-8 bytes. The boundary strings the coverage phase builds are ASCII, so they sit exactly on the
  byte boundary; a fuzzed multi-byte password may be "valid" for the generator and over the byte
  limit, which is harmless because the checks judge every password with `rules.predict_create`.
- success envelopes: `code` is the profile's `rest.success_code` (200 in Milvus 2.4.0-2.4.2).
- `info.x-conformance-profile` names the profile, so the checks can judge with it.
- no `Request-Timeout` header where `rest.request_timeout.shared` is not false (it would change the
  timeout of every client's requests on that route).
- for every profile, two links the spec does not have, create -> list and drop -> list, so that
  stateful scenarios list the users too.

The `documented` profile keeps the spec as written, with one exception that applies to every profile:
the optional `Request-Timeout` header gets `minimum: 1` and `default: 30` (the server default, CF
section 3). Without them every generated case carries `Request-Timeout: 0`, which expires a request
before it reaches the handler; with them the coverage phase still sends 0, 1 and 2 as boundaries.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass

import jsonschema
import schemathesis
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from milvus_conformance.contract.profiles import DOCUMENTED, Profile
from milvus_conformance.contract.spec import load_spec, to_json_schema

GATE_SEED = 20260419  # the gate tier is deterministic: fixed seed, derandomized
NIGHTLY_EXAMPLES = 400  # fuzzing examples per operation in the nightly tier
NIGHTLY_SCENARIOS = 150  # stateful scenarios in the nightly tier
STATEFUL_STEPS = 8
PROFILE_KEY = "x-conformance-profile"
REQUEST_TIMEOUT_REF = "#/components/parameters/RequestTimeout"


@dataclass(frozen=True)
class FuzzSettings:
    """How much to generate, and from which seed: the tier and the run's --fuzz-* options (the run's
    config, which also reaches xdist workers)."""

    tier: str
    seed: int
    examples: int = NIGHTLY_EXAMPLES  # fuzzing examples per operation (nightly)
    scenarios: int = NIGHTLY_SCENARIOS  # stateful scenarios (nightly)

    @classmethod
    def of(cls, tier: str, run_id: str, options: dict[str, int]) -> "FuzzSettings":
        """`options`: the fuzz options given (TargetConfig.fuzz: fuzz_examples, fuzz_scenarios,
        fuzz_seed). Gate: fixed seed. Nightly: --fuzz-seed, or one derived from the run id (one seed
        for all xdist workers of a run; failure messages print it, so a run can be replayed)."""
        if tier == "gate":
            seed = GATE_SEED
        elif "fuzz_seed" in options:
            seed = options["fuzz_seed"]
        else:
            seed = int.from_bytes(hashlib.sha256(run_id.encode()).digest()[:6], "big")
        return cls(
            tier, seed, options.get("fuzz_examples", NIGHTLY_EXAMPLES), options.get("fuzz_scenarios", NIGHTLY_SCENARIOS)
        )


@dataclass(frozen=True)
class Operation:
    operation_id: str
    path: str
    requirements: tuple[str, ...]

    @property
    def name(self) -> str:  # "users/create", as the results model names operations
        return self.path.split("/v2/vectordb/", 1)[-1]


def operations() -> list[Operation]:
    """The spec's operations with their `x-requirements`, in spec order."""
    out = []
    for path, item in load_spec()["paths"].items():
        for method, op in item.items():
            if method == "post":
                out.append(Operation(op["operationId"], path, tuple(op.get("x-requirements", ()))))
    return out


def example_user_name() -> str:
    """The spec's example user name (`UserName.example`: `milvusAdmin`), which the coverage phase
    keeps in the body of every case that varies another field."""
    return load_spec()["components"]["schemas"]["UserName"]["example"]


def shaped_spec(profile: Profile) -> dict:
    spec = load_spec()
    spec["info"][PROFILE_KEY] = profile.name
    timeout = spec["components"]["parameters"]["RequestTimeout"]["schema"]
    timeout.update({"minimum": 1, "default": 30})
    _add_list_links(spec["paths"])
    if profile["rest.request_timeout.shared"] is not False:
        _drop_request_timeout(spec["paths"])
    if profile.name == DOCUMENTED:
        return spec
    schemas = spec["components"]["schemas"]
    name = schemas["UserName"]
    extra = re.escape(profile["user_name.extra_chars"] or "")
    name["pattern"] = f"^[A-Za-z][A-Za-z0-9_{extra}]*$"
    _limit(name, "maxLength", profile["user_name.max_length"])
    password = schemas["Password"]
    _limit(password, "minLength", profile["password.min_length"])
    _limit(password, "maxLength", profile["password.max_length"])
    classes = profile["password.min_classes"]
    if classes:
        password["x-password-character-classes"]["min"] = classes
    else:
        password.pop("x-password-character-classes", None)
    success = profile["rest.success_code"]
    for envelope in ("SuccessEnvelope", "ListUsersSuccess", "DescribeUserSuccess"):
        schemas[envelope]["properties"]["code"]["enum"] = [success]
    schemas["ErrorEnvelope"]["properties"]["code"]["not"] = {"enum": [success]}
    return spec


def _drop_request_timeout(paths: dict) -> None:
    """Where the header changes the timeout shared by every request on the route (Milvus up to
    about 2.5.8, CF section 7), a generated 0 or 1 would make other clients' requests time out."""
    for item in paths.values():
        for op in item.values():
            if isinstance(op, dict) and "parameters" in op:
                op["parameters"] = [p for p in op["parameters"] if p.get("$ref") != REQUEST_TIMEOUT_REF]


def _add_list_links(paths: dict) -> None:
    """users/list after a create and after a drop, so stateful scenarios list users too (the spec's
    own links only reach describe, update_password and drop)."""
    for path, name in (("create", "ListAfterCreate"), ("drop", "ListAfterDrop")):
        links = paths[f"/v2/vectordb/users/{path}"]["post"]["responses"]["200"].setdefault("links", {})
        links[name] = {
            "operationId": "listUsers",
            "requestBody": {},
            "description": "List the users (generation aid, not in specs/openapi.yaml).",
        }


def _limit(schema: dict, key: str, value) -> None:
    if value is None:
        schema.pop(key, None)
    else:
        schema[key] = value


def load_schema(
    profile: Profile, settings: FuzzSettings, *, phases: tuple[str, ...], base_url: str, request_timeout: float
):
    """A schemathesis schema of the shaped spec, aimed at `base_url`, running only `phases`
    (of examples, coverage, fuzzing, stateful). Every built-in check is off (they judge by HTTP
    status, which Milvus's envelopes defeat): the callers pass `GeneratedChecks.all` explicitly."""
    gate = settings.tier == "gate"
    enabled = set(phases)
    config = schemathesis.Config.from_dict(
        {
            "seed": settings.seed,
            "base-url": base_url,
            "request-timeout": request_timeout,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {
                "mode": "all",  # valid and invalid data
                "deterministic": gate,  # derandomize in the gate tier
                "database": "none",
                "codec": "utf-8",  # no lone surrogates: they cannot be sent as UTF-8
                "max-examples": settings.examples,
                "unique-inputs": True,
            },
            "phases": {
                "examples": {"enabled": "examples" in enabled, "fill-missing": True},
                "coverage": {"enabled": "coverage" in enabled},
                "fuzzing": {"enabled": "fuzzing" in enabled},
                "stateful": {"enabled": "stateful" in enabled, "max-steps": STATEFUL_STEPS},
            },
            "checks": {"enabled": False},
            # Reproductions printed by schemathesis itself: hide the Authorization header only.
            "output": {"sanitization": {"keys-to-sanitize": ["authorization"], "sensitive-markers": ["authorization"]}},
        }
    )
    return schemathesis.openapi.from_dict(copy.deepcopy(shaped_spec(profile)), config=config)


# ---- response envelopes of the (shaped) spec ---------------------------------------------------------
GENERIC = {
    "anyOf": [
        {"$ref": f"#/components/schemas/{name}"} for name in ("SuccessEnvelope", "ListUsersSuccess", "ErrorEnvelope")
    ]
}


def declared(operation, status: int) -> dict | None:
    """Media type -> schema that the operation declares for `status`; None when it declares nothing."""
    responses = operation.definition.raw.get("responses", {})
    entry = responses.get(str(status)) or responses.get(f"{status // 100}XX") or responses.get("default")
    if entry is None:
        return None
    if "$ref" in entry:
        entry = operation.schema.raw_schema["components"]["responses"][entry["$ref"].rsplit("/", 1)[-1]]
    return {media: (body or {}).get("schema") for media, body in entry.get("content", {}).items()}


def envelope_problems(operation, body, content: dict | None) -> str | None:
    """None when `body` matches the JSON schema declared for the answer (or, for a status declared
    without JSON, any envelope of the contract); otherwise the first problem."""
    target = (content or {}).get("application/json") or GENERIC
    raw = operation.schema.raw_schema
    uri = f"urn:milvus-conformance:fuzz:{raw['info'].get(PROFILE_KEY, '')}"
    document = {
        "components": {"schemas": {k: to_json_schema(v) for k, v in raw["components"]["schemas"].items()}},
        "x-target": to_json_schema(target),
    }
    resource = Resource.from_contents(document, default_specification=DRAFT4)
    registry = Registry().with_resource(uri, resource)
    validator = jsonschema.Draft4Validator({"$ref": f"{uri}#/x-target"}, registry=registry)
    errors = list(validator.iter_errors(body))
    if not errors:
        return None
    error = next((e for e in errors if e.validator in ("oneOf", "anyOf")), errors[0])
    if error.validator in ("oneOf", "anyOf") and error.context:  # name each envelope it misses
        branches = {}
        for sub in error.context:
            ref = error.validator_value[sub.schema_path[0]].get("$ref", str(sub.schema_path[0]))
            branches.setdefault(ref.rsplit("/", 1)[-1], _where(sub))
        return "matches no envelope: " + "; ".join(f"{k}: {v}" for k, v in branches.items())
    return _where(jsonschema.exceptions.best_match(errors))


def _where(error) -> str:
    return f"{'/'.join(str(p) for p in error.absolute_path) or 'body'}: {error.message}"
