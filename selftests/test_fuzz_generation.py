"""The generated cases' inputs, apart from the checks (selftests/test_fuzz_checks.py): the spec shaped
by the profile, the user names a body could create (hygiene), and what a Hypothesis run's failures
become."""

from __future__ import annotations

import re

import pytest

from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.contract.versions import parse_version
from milvus_conformance.fuzz import hygiene, run_collecting
from milvus_conformance.fuzz.schema import example_user_name, shaped_spec


# ---- generation shaped by the profile ----------------------------------------------------------------
def test_shaped_spec_follows_the_profile():
    schemas = shaped_spec(load_profile("embedded"))["components"]["schemas"]
    assert (schemas["Password"]["minLength"], schemas["Password"]["maxLength"]) == (6, 72)
    assert "x-password-character-classes" not in schemas["Password"]
    assert schemas["UserName"]["maxLength"] == 32
    at_2_6_18 = load_profile("milvus-2.6", parse_version("2.6.18"))  # '.' and '-' from 2.6.18 (CF 7)
    pattern = shaped_spec(at_2_6_18)["components"]["schemas"]["UserName"]["pattern"]
    assert re.fullmatch(pattern, "a.b-c")
    documented = shaped_spec(load_profile("documented"))
    assert documented["components"]["schemas"]["Password"]["maxLength"] == 64
    assert "maxLength" not in documented["components"]["schemas"]["UserName"]
    assert documented["components"]["parameters"]["RequestTimeout"]["schema"]["default"] == 30


def test_candidate_names_cover_every_spelling_and_trim():
    body = {"userName": " fuzzA ", "USERNAME": "fuzzB", "userName2": "no", "password": "x"}
    assert hygiene.candidate_names(body) == {" fuzzA ", "fuzzA", "fuzzB"}
    assert hygiene.candidate_names(["fuzzA"]) == set()


def test_coverage_cases_keeping_the_example_name_get_a_fresh_one():
    """They would all name the spec's one example user (one at a time, or none sent where somebody
    has that user); the examples phase sends the example as written."""
    from types import SimpleNamespace as NS

    def case(phase, body):
        return NS(meta=NS(phase=NS(name=NS(value=phase))), body=body)

    shared = {"userName": "milvusAdmin", "password": "x"}
    kept, other, example = case("coverage", shared), case("coverage", {"userName": "0"}), case("examples", shared)
    names = iter(["cfabc_Ex1", "cfabc_Ex2"])
    for one in (kept, other, example, case("coverage", "not a dict")):
        hygiene.with_fresh_example_name(one, "milvusAdmin", lambda: next(names))
    assert kept.body == {"userName": "cfabc_Ex1", "password": "x"}
    assert shared["userName"] == "milvusAdmin"  # a new body: generated cases may share one
    assert other.body == {"userName": "0"} and example.body is shared
    assert example_user_name() == "milvusAdmin"


def test_check_failures_are_collected_and_other_errors_propagate():
    from schemathesis.core.failures import CustomFailure, FailureGroup

    failure = CustomFailure(operation="POST /x", title="t", message="m", exception=AssertionError("m"))

    def failing():
        raise FailureGroup([failure], "group")

    assert run_collecting(failing) == [(failure, False)]
    with pytest.raises(ZeroDivisionError):
        run_collecting(lambda: 1 / 0)
