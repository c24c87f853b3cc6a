"""Generated cases (schemathesis) per REST operation, from specs/openapi.yaml shaped by the active
profile (milvus_conformance/fuzz/schema.py), judged by the envelope-aware checks
(milvus_conformance/fuzz/checks.py); every user a case creates is dropped right after its checks.

Tiers (`--tier`):
- gate (default): the examples and coverage phases. Coverage cases are the spec's boundaries
  (lengths just inside and outside the limits, wrong types, missing fields, missing credentials,
  unexpected methods), built deterministically; the seed is fixed and generation derandomized.
- nightly: additionally the fuzzing phase (random valid and invalid data), and the stateful test in
  test_fuzz_stateful.py. The run's options --fuzz-examples (fuzzing examples per operation),
  --fuzz-scenarios (stateful scenarios) and --fuzz-seed (replay a nightly run: every failure prints
  the seed) tune it (fuzz/schema.py's FuzzSettings).

Each case keeps "<operation>: N generated cases (by phase)" as its verdict message (the run's
summary prints it). Under `--jobs N` the gate tier's cases run ahead like the tables' rows, and
each sends its requests N at a time (fuzz/senders.py); the nightly fuzzing runs in the main thread.
"""

import pytest

from milvus_conformance.fuzz.schema import operations
from milvus_conformance.harness.runner import end_case

# Requirements the checks can cite beyond an operation's `x-requirements`.
EXTRA = {
    "createUser": (
        "USER-CREATE-BODY-FIELDS",
        "USER-CREATE-MALFORMED-BODY",
        "USER-CREATE-NAME-LENGTH",
        "USER-CREATE-SEMANTICS",
        "USER-CREATE-UNKNOWN-ROUTE",
        "USER-CREATE-CONTENT-TYPE",
    ),
    "dropUser": ("USER-DROP-SEMANTICS", "USER-CREATE-AUTH-REQUIRED"),
    "listUsers": ("USER-CREATE-AUTH-REQUIRED",),
    "describeUser": ("USER-CREATE-AUTH-REQUIRED",),
    "updatePassword": ("USER-CREATE-AUTH-REQUIRED",),
}


def _per_operation():
    return [
        pytest.param(
            op.operation_id,
            id=op.operation_id,
            marks=[
                pytest.mark.requirement(*op.requirements, *EXTRA.get(op.operation_id, ())),
                pytest.mark.operation(op.name),
            ],
        )
        for op in operations()
    ]


@pytest.mark.surface("rest")
@pytest.mark.parametrize("operation_id", _per_operation())
def test_generated_examples_and_coverage(operation_id, fuzz, record):
    judged = fuzz.run_operation(operation_id, ("examples", "coverage"), record)
    end_case(record, judged.verdict, judged.expected, judged.observed)


@pytest.mark.nightly
@pytest.mark.main_thread  # Hypothesis shrinks and replays a failing random case
@pytest.mark.surface("rest")
@pytest.mark.parametrize("operation_id", _per_operation())
def test_generated_fuzzing(operation_id, fuzz, record):
    judged = fuzz.run_operation(operation_id, ("fuzzing",), record)
    end_case(record, judged.verdict, judged.expected, judged.observed)
