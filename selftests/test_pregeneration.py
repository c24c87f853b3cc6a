"""The gate tier's generated cases built once the cases are collected
(fuzz/pregenerate.py, harness/pregeneration.py): the very cases a generated-case test would build
itself, taken only when built from the same inputs, built from the run's profile, and only where a
selected case would take them."""

from dataclasses import replace
from types import SimpleNamespace

import pytest

from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.contract.versions import parse_version
from milvus_conformance.fuzz import schema
from milvus_conformance.fuzz.generate import generate
from milvus_conformance.fuzz.pregenerate import EXPLICIT, Inputs, Pregenerated
from milvus_conformance.harness import pregeneration
from milvus_conformance.harness.config import from_values
from milvus_conformance.harness.keys import CONTEXT, PREGENERATED
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
    built = replace(built, built=dict(built.built))  # takes from a copy: the module's build stays whole
    documented = Inputs.of(load_profile("documented"), GATE, 15.0)
    assert built.take("listUsers", EXPLICIT, documented) is None  # other limits: other cases
    assert built.take("listUsers", ("fuzzing",), built.inputs) is None
    assert built.take("listUsers", EXPLICIT, Inputs.of(load_profile("embedded"), GATE, 30.0)) is None
    assert built.take("listUsers", EXPLICIT, built.inputs).cases
    assert built.take("listUsers", EXPLICIT, built.inputs) is None  # each operation's cases once


def _session(ctx, *fixturenames, numprocesses=0):
    config = SimpleNamespace(stash={CONTEXT: ctx}, option=SimpleNamespace(numprocesses=numprocesses, collectonly=False))
    items = [SimpleNamespace(fixturenames=names) for names in fixturenames]
    return SimpleNamespace(config=config, items=items)


@pytest.fixture
def given_target(tmp_path):
    values = {"base_url": "http://127.0.0.1:9", "token": "root:x", "profile": "embedded", "state_dir": str(tmp_path)}
    ctx = RunContext(config=from_values(values, env={}), run_id="p")
    ctx.base_url = values["base_url"]  # as the session start sets it (RunContext.start)
    ctx.choose_profile()
    return ctx


def test_built_from_the_runs_profile_when_a_selected_case_generates(given_target):
    session = _session(given_target, ("runner",), ("fuzz", "record"))
    pregeneration.after_collection(session)
    built = session.config.stash[PREGENERATED]
    settings = schema.FuzzSettings.of("gate", "p", {})
    assert built.inputs == Inputs.of(given_target.profile(), settings, given_target.config.request_timeout)
    assert set(built.built) == {op.operation_id for op in schema.operations()}


@pytest.mark.parametrize(
    "fixturenames, numprocesses",
    [((("runner",),), 0), ((("fuzz",),), 2)],
    ids=["no-generated-case", "xdist-controller"],
)
def test_not_built_where_nothing_would_take_it(given_target, fixturenames, numprocesses):
    session = _session(given_target, *fixturenames, numprocesses=numprocesses)
    pregeneration.after_collection(session)
    assert PREGENERATED not in session.config.stash


@pytest.mark.parametrize("values", [{}, {"embedded_standard_errors": True}], ids=["default", "standard-errors"])
def test_the_embedded_targets_profile_is_predicted_right(values, tmp_path):
    """What is built while the embedded target starts is what its chosen profile needs: the build
    is used, not made again once the cases are collected."""
    ctx = RunContext(config=from_values({**values, "state_dir": str(tmp_path)}, env={}), run_id="p")
    predicted = ctx.predicted_profile()
    ctx.facts.server_version = "v2.3.5-lite"  # what the embedded 2.3.5 reports (GetVersion)
    ctx.choose_profile()
    assert Inputs.of(predicted, GATE, 15.0) == Inputs.of(ctx.profile(), GATE, 15.0)
