"""The gate tier's generated cases built at the session start (fuzz/pregenerate.py,
harness/pregeneration.py): the very cases a generated-case test would build itself, taken only when
built from the same inputs, and predicted right for the embedded target (so they are used)."""

from types import SimpleNamespace

import pytest

from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.contract.versions import parse_version
from milvus_conformance.fuzz import schema
from milvus_conformance.fuzz.generate import generate
from milvus_conformance.fuzz.pregenerate import EXPLICIT, Inputs, Pregenerated
from milvus_conformance.harness import pregeneration
from milvus_conformance.harness.config import from_values
from milvus_conformance.harness.run_context import RunContext

GATE = schema.FuzzSettings.of("gate", "run", {})


def _requests(cases) -> list:
    return [(c.method, c.path, repr(c.body), sorted((c.headers or {}).items())) for c in cases]


@pytest.fixture(scope="module")
def built():
    return Pregenerated.build(load_profile("embedded", parse_version("2.3.5")), GATE, 15.0)


def test_the_cases_built_ahead_are_those_a_test_builds(built):
    profile = load_profile("embedded", parse_version("2.3.5"))
    loaded = schema.load_schema(profile, GATE, phases=EXPLICIT, base_url="http://127.0.0.1:1", request_timeout=15.0)
    for op in schema.operations():
        now = generate(loaded, loaded.find_operation_by_id(op.operation_id))
        assert _requests(built.built[op.operation_id].cases) == _requests(now), op.operation_id
        assert len(now) > 10


def test_taken_once_and_only_from_the_same_inputs(built):
    documented = Inputs.of(load_profile("documented"), GATE, 15.0)
    assert built.take("listUsers", EXPLICIT, documented) is None  # other limits: other cases
    assert built.take("listUsers", ("fuzzing",), built.inputs) is None
    assert built.take("listUsers", EXPLICIT, Inputs.of(load_profile("embedded"), GATE, 30.0)) is None
    assert built.take("listUsers", EXPLICIT, built.inputs).cases
    assert built.take("listUsers", EXPLICIT, built.inputs) is None  # each operation's cases once


@pytest.mark.parametrize("values", [{}, {"embedded_standard_errors": True}], ids=["default", "standard-errors"])
def test_the_embedded_targets_profile_is_predicted_right(values, tmp_path):
    """What the session start builds before the target answers is what the chosen profile needs:
    the build is used, not made twice."""
    ctx = RunContext(config=from_values({**values, "state_dir": str(tmp_path)}, env={}), run_id="p")
    config = SimpleNamespace(stash={}, option=SimpleNamespace(numprocesses=0, collectonly=False))
    pregeneration.before_start(config, ctx)
    predicted = config.stash[pregeneration.PREGENERATED]
    ctx.facts.server_version = "v2.3.5-lite"  # what the embedded 2.3.5 reports (GetVersion)
    ctx.choose_profile()
    settings = schema.FuzzSettings.of(ctx.config.tier, ctx.run_id, ctx.config.fuzz)
    assert predicted.inputs == Inputs.of(ctx.profile(), settings, ctx.config.request_timeout)
