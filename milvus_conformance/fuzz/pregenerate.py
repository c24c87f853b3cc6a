"""The explicit phases' generated cases (examples, coverage) of every operation, built once the
cases are collected, in the main thread (harness/pregeneration.py says when).

They depend only on the shaped spec (the profile's limits), the fuzz settings and the request
timeout, never on the target's answers. Built in the main thread because generation parses source
code (Hypothesis reads its lambdas with `ast`) and on Python 3.11 two threads building ASTs at once
can fail with "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905): seen with
generation in a thread beside pytest formatting a traceback. Before, each generated-case test built
its own cases, under `--jobs` in a run-ahead thread, one at a time under a lock; a test still does
when none were built from the inputs it would build them from (`Inputs`).

Cases are built for a placeholder URL and sent to the target's (`Case.call`'s `base_url`).
Measured (2-core machine, embedded target): all five operations' 279 cases take 0.5-0.6 s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from milvus_conformance.fuzz import schema
from milvus_conformance.fuzz.generate import generate

EXPLICIT = ("examples", "coverage")  # the phases built ahead; fuzzing is random and shrinks: never
PLACEHOLDER_URL = "http://pregenerated.invalid"  # replaced at send time by the target's base URL


@dataclass(frozen=True)
class Inputs:
    """Everything the cases are built from (what `schema.load_schema` reads, less the base URL)."""

    shaped_spec: str  # the shaped spec as canonical JSON
    settings: schema.FuzzSettings
    request_timeout: float

    @classmethod
    def of(cls, profile, settings: schema.FuzzSettings, request_timeout: float) -> "Inputs":
        return cls(json.dumps(schema.shaped_spec(profile), sort_keys=True), settings, request_timeout)


@dataclass(frozen=True)
class Built:
    """One operation's cases, with the loaded schema they belong to."""

    loaded: object
    operation: object
    cases: tuple


@dataclass
class Pregenerated:
    inputs: Inputs
    built: dict[str, Built] = field(default_factory=dict)  # operation id -> its cases, until taken

    @classmethod
    def build(cls, profile, settings: schema.FuzzSettings, request_timeout: float) -> "Pregenerated":
        made = cls(Inputs.of(profile, settings, request_timeout))
        loaded = schema.load_schema(
            profile, settings, phases=EXPLICIT, base_url=PLACEHOLDER_URL, request_timeout=request_timeout
        )
        for op in schema.operations():
            operation = loaded.find_operation_by_id(op.operation_id)
            made.built[op.operation_id] = Built(loaded, operation, tuple(generate(loaded, operation)))
        return made

    def take(self, operation_id: str, phases: tuple[str, ...], inputs: Inputs) -> Built | None:
        """The operation's cases if they were built from `inputs` for `phases`; each is taken once."""
        if tuple(phases) != EXPLICIT or inputs != self.inputs:
            return None
        return self.built.pop(operation_id, None)
