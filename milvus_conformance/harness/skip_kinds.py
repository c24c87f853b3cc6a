"""The kinds of skip, told apart in results (issue 21): a case left out by the run's own options
(`skip_by_choice`: tier, --read-only, an opt-in), one that cannot apply to this target
(`not_applicable`: its surface was not given, authorization is disabled, an API key as token), and a
case whose operation the target does not implement (`not_implemented`: a conformance failure). Any
other skip (the profile does not cover it) stays a plain skip.

Each is a pytest skip carrying its status; `refine` turns the recorder's plain SKIP into it."""

from __future__ import annotations

import pytest

from milvus_conformance.results.model import Status

SKIP_STATUS = pytest.StashKey[Status]()  # on an item skipped by a marker (the nightly tier)


class _KindedSkip(pytest.skip.Exception):
    status = Status.SKIP


class ChosenSkip(_KindedSkip):
    status = Status.SKIPPED_BY_CHOICE


class NotApplicableSkip(_KindedSkip):
    status = Status.NOT_APPLICABLE


class NotImplementedOnTarget(_KindedSkip):
    status = Status.NOT_IMPLEMENTED


def skip_by_choice(reason: str):
    raise ChosenSkip(reason, allow_module_level=False)


def not_applicable(reason: str):
    raise NotApplicableSkip(reason, allow_module_level=False)


def not_implemented(reason: str):
    raise NotImplementedOnTarget(reason, allow_module_level=False)


def refine(item, call, status: Status, message: str) -> tuple[Status, str]:
    """The recorder's status and message of a phase, with a plain skip made the kind it was raised
    as (and pytest's `module.Class: ` taken off the message)."""
    if status is not Status.SKIP:
        return status, message
    exc = call.excinfo.value if call.excinfo is not None else None
    if isinstance(exc, _KindedSkip):
        return exc.status, message.removeprefix(f"{type(exc).__module__}.{type(exc).__qualname__}: ")
    return item.stash.get(SKIP_STATUS, Status.SKIP), message
