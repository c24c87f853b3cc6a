"""REST and the SDK alike (S000 and S001 document the same rules): the same input is accepted on both
surfaces or refused on both, and where both refuse with a code, with the same code (REST body code,
MilvusException.code). A difference the active profile predicts (from each surface's expectation)
is a known deviation; any other difference fails. Both exchanges of every row are recorded."""
import pytest

from milvus_conformance.checks.verdict import Verdict
from milvus_conformance.harness.runner import observation
from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.model import Status
from tests.support import PASSWORD
from tests.tables.parity import PARITY_ROWS

pytestmark = pytest.mark.surface("both")
SIDES = ("rest", "sdk-utility")


def _code(value):
    return value if type(value) is int else None


def _gap(a: tuple, b: tuple) -> str:
    """A disagreement between two (accepted, code) sides, or ''."""
    if a[0] != b[0]:
        word = {True: "accepted", False: "refused"}
        return f"{word[a[0]]} over REST, {word[b[0]]} over the SDK"
    if not a[0] and a[1] is not None and b[1] is not None and a[1] != b[1]:
        return f"refused with code {a[1]} over REST and {b[1]} over the SDK"
    return ""


@pytest.mark.parametrize("row", params(PARITY_ROWS))
def test_same_outcome_on_rest_and_sdk(row, runner, profile, users, record):
    seen, predicted, expectations, replies = {}, {}, {}, {}
    for surface in SIDES:
        name, password = row.make(profile, users)
        if row.data.get("existing"):
            _, ok = runner.raw_create(surface, name, PASSWORD)
            assert ok, f"setup: creating {name!r} on {surface} failed"
            expected = runner.expectations(surface, "duplicate", "duplicate")
        else:
            expected = runner.predicted(surface, name, password, row.depends_on)
        outcome = runner.create(surface, name, password, expected=expected, conclude=False)
        active = expected[0]
        seen[surface] = (outcome.succeeded, None if outcome.succeeded else _code(outcome.reply.code))
        predicted[surface] = (active.kind == "ok", _code(active.spec.get("code")))
        expectations[surface] = active
        replies[surface] = outcome.reply
    observed_gap, predicted_gap = _gap(*seen.values()), _gap(*predicted.values())
    if not observed_gap and not predicted_gap:
        verdict = Verdict(Status.PASS, f"same outcome on both surfaces: {seen['rest']}")
    elif not observed_gap:
        verdict = Verdict(Status.UNEXPECTED_PASS, f"unexpected pass: the profile predicts {predicted_gap} "
                          f"({_sources(expectations)}) but both surfaces agree", [predicted_gap])
    elif observed_gap == predicted_gap and all(_matches(seen[s], predicted[s]) for s in SIDES):
        source = _sources(expectations)
        verdict = Verdict(Status.KNOWN_DEVIATION, f"known deviation: {source} | the docs expect the same "
                          f"outcome on both surfaces, seen: {observed_gap}", [observed_gap], source)
    else:
        verdict = Verdict(Status.FAIL, f"surfaces disagree: {observed_gap}", [observed_gap])
    record.conclude(verdict,
                    expected={s: {"kind": e.kind, **(e.spec or {})} for s, e in expectations.items()},
                    observed={s: observation(r) for s, r in replies.items()})


def _matches(seen: tuple, predicted: tuple) -> bool:
    return seen[0] == predicted[0] and (predicted[1] is None or seen[1] == predicted[1])


def _sources(expectations: dict) -> str:
    return "; ".join(dict.fromkeys(src for e in expectations.values() for src in e.sources))
