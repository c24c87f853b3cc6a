"""One operation's generated cases, built with schemathesis's own per-operation builder (the one its
lazy `from_fixture(...).parametrize()` uses): as a Hypothesis test to run (`operation_test`), or, for
the explicit phases (examples, coverage), as the list of cases it builds (`generate`)."""

from __future__ import annotations


def operation_test(loaded, operation, test_func):
    """The operation's Hypothesis test, built as schemathesis's lazy `parametrize()` builds it."""
    from schemathesis.generation.feedback import FeedbackSources
    from schemathesis.pytest._test_builder import build_operation_test

    return build_operation_test(
        config=loaded.config, operation=operation, test_func=test_func, given_kwargs={}, feedback=FeedbackSources()
    )


def generate(loaded, operation) -> list:
    """The cases of the phases `loaded` enables, in the order they are built (nothing is sent)."""
    cases: list = []
    collect = lambda case: cases.append(case)  # noqa: E731 - a function: Hypothesis reads its signature
    operation_test(loaded, operation, collect)()
    return cases
