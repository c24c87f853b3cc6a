"""Runs one create scenario on one surface: predict the outcome from the active and the documented
profile, create (with the ledger's bookkeeping), judge the answer, and check that a refused create
left no user behind and an accepted one is listed.

A case ends in one way: `end_case(record, verdict, expected, observed)` records its verdict (the
case's status) with what was expected and the `Observation` of what was seen; `Runner.end(verdict,
expected, reply)` is it for a case with a runner, and a case without one (a generated case, the
user-cap case) calls `end_case` with its `record`. `create` is `attempt` (judge,
don't end) followed by `end`. Whether a create's state check runs is the caller's explicit choice
(`check_state`), never inferred."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from milvus_conformance.checks.expectations import Expectation, expect
from milvus_conformance.checks.observation import accepted, observe
from milvus_conformance.checks.verdict import Verdict, combine, failed, judge
from milvus_conformance.clients.channel import RestChannel, SdkChannel, on
from milvus_conformance.contract.rules import deviation_citations, predict_create, stored_names
from milvus_conformance.results.observation import Observation
from milvus_conformance.results.surfaces import Channel, Surface


@dataclass
class Outcome:
    reply: Any
    succeeded: bool  # accepted by the active profile's rule (checks.observation.accepted)
    verdict: Verdict
    expected: Expectation | None = None  # the active profile's expectation it was judged against


class NameAlreadyOurs(RuntimeError):
    """A create with its state check on, of a name this case already created: a harness misuse (an
    error, never a conformance failure)."""


class Runner:
    """`clients(surface)`: the case's recorded client of that surface (the `rest` or `sdk` fixture,
    or the run-ahead engine's own); `item`: the case's pytest item (where settle samples are noted)."""

    def __init__(self, clients: Callable[[Surface], Any], profile, documented_profile, users, record, item=None):
        self.clients = clients
        self.profile = profile
        self.documented = documented_profile
        self.users = users
        self.record = record
        self.item = item

    def client(self, channel: Channel):
        """The case's recorded client of the channel's surface."""
        return self.clients(Channel(channel).surface)

    def on(self, channel: Channel) -> RestChannel | SdkChannel:
        """The channel's client in the one shape (clients/channel.py): create, drop,
        update_password, list, describe, user_names."""
        channel = Channel(channel)
        return on(channel, **{channel.surface.value: self.client(channel)})

    # ---- expectations ---------------------------------------------------------------------------
    def expectations(
        self, channel: Channel, kind_active: str, kind_doc: str | None, sources=()
    ) -> tuple[Expectation, Expectation | None]:
        surface = Channel(channel).surface
        active = expect(self.profile, kind_active, surface, list(sources))
        if not active.covered:
            why = f": {active.sources[-1]}" if active.sources else ""
            pytest.skip(f"profile {self.profile.name} does not cover {kind_active} on {surface}{why}")
        docs = expect(self.documented, kind_doc, surface) if kind_doc else None
        return active, docs

    def predicted(
        self, channel: Channel, name, password, depends_on: tuple[str, ...] = ()
    ) -> tuple[Expectation, Expectation | None]:
        """`depends_on`: profile keys the input was built from; where the docs leave one of them
        open, the docs make no prediction for this input (no deviation is possible)."""
        surface = Channel(channel).surface
        mine = predict_create(self.profile, name, password, surface)
        if not mine.covered:
            pytest.skip(f"profile {self.profile.name} does not cover this input: {mine.reason}")
        docs = predict_create(self.documented, name, password, surface)
        if any(self.documented[key] is None for key in depends_on) or not docs.covered:
            return self.expectations(channel, mine.kind, None)
        return self.expectations(
            channel, mine.kind, docs.kind, deviation_citations(self.profile, mine, docs, self.documented)
        )

    # ---- calls ----------------------------------------------------------------------------------
    def succeeded(self, surface: Surface, reply) -> bool:
        """Whether the target said the call succeeded (what ownership of the name rests on): the one
        profile-aware rule, `checks.observation.accepted`. `surface` is kept for callers."""
        return accepted(self.profile, reply)

    def observe(self, reply) -> Observation:
        return observe(self.profile, reply)

    def raw_create(self, channel: Channel, name, password, exact: bool = False, send=None, **kw):
        """Create with bookkeeping, no verdict. Returns (reply, succeeded). `send()`, when given,
        makes a request the client's create_user cannot (raw bodies, other tokens, routes)."""
        channel = Channel(channel)
        success = self.profile.get("rest.success_code")
        if channel is Channel.REST and not success.covered:  # nothing is sent: no success could be told
            pytest.skip(f"profile {self.profile.name} does not cover {success.cite()}")
        stored = stored_names(self.profile, name)
        for candidate in dict.fromkeys((name, *stored)):
            self.users.before_create(candidate, exact)
        reply = send() if send is not None else self.on(channel).create(name, password, **kw)
        ok = self.succeeded(channel.surface, reply)
        for candidate in dict.fromkeys((name, *stored)):
            self.users.after_create(candidate, ok, exact)
        return reply, ok

    def listed(self, channel: Channel, name) -> bool:
        return name in self.on(channel).user_names()

    def attempt(
        self,
        channel: Channel,
        name,
        password,
        *,
        exact: bool = False,
        expected: tuple[Expectation, Expectation | None] | None = None,
        check_state: bool = True,
        depends_on: tuple[str, ...] = (),
        send=None,
        **kw,
    ) -> Outcome:
        """Create and judge the answer, without ending the case. `check_state`: also check that an
        accepted create is listed and a refused one created nothing; pass False for a create whose
        name already exists (a duplicate), where a refusal leaves the first user listed."""
        active, docs = expected or self.predicted(channel, name, password, depends_on)
        if check_state and name in self.users.ledger.owned:
            raise NameAlreadyOurs(
                f"{name!r} was already created by this case: a duplicate create needs "
                f"check_state=False, and a case that dropped it must call users.dropped()"
            )
        reply, ok = self.raw_create(channel, name, password, exact, send, **kw)
        verdict = judge(reply, active, docs)
        if check_state:
            verdict = self._state_check(channel, name, ok, verdict, exact)
        return Outcome(reply, ok, verdict, active)

    def create(self, channel: Channel, name, password, **kw) -> Outcome:
        """`attempt` and end the case with its verdict."""
        outcome = self.attempt(channel, name, password, **kw)
        self.end(outcome.verdict, outcome.expected, outcome.reply)
        return outcome

    def end(self, verdict: Verdict, expected: Expectation | dict | None = None, reply=None, *, observed=None) -> None:
        """End the case with `verdict`: the case's status, recorded with what was expected (an
        `Expectation`, or already as data, e.g. a parity case's per channel) and the observation of
        `reply` (or `observed`: e.g. a parity case's `{channel: Observation}`). Returns on a pass;
        otherwise raises pytest's outcome (for the terminal only)."""
        if observed is None and reply is not None:
            observed = self.observe(reply)
        end_case(self.record, verdict, expected, observed)

    def _state_check(self, channel: Channel, name, ok, verdict: Verdict, exact) -> Verdict:
        """An accepted create must be listed; a refused one must have created nothing."""
        if not isinstance(name, str) or name == "":
            return verdict
        stored = stored_names(self.profile, name)
        listed = self.users.listed(self.on(channel))
        present = any(candidate in listed for candidate in stored)
        if ok and not present:
            shown = " or ".join(repr(c) for c in stored)
            return combine(verdict, failed(f"the create answered success but {shown} is not listed"))
        if not ok and present:
            self.users.after_create(name, True, exact)  # it exists now: ours to clean up
            return combine(verdict, failed(f"the create was refused but {name!r} was created anyway"))
        return verdict


def end_case(record, verdict: Verdict, expected: Expectation | dict | None = None, observed=None) -> None:
    """End the case of `record` (its `CaseRecorder`) with `verdict`, the case's status: the one way a
    case ends (`Runner.end` calls it). Returns on a pass; otherwise raises pytest's outcome (for the
    terminal only)."""
    if isinstance(expected, Expectation):
        expected = expectation_data(expected)
    record.store_verdict(verdict, expected=expected, observed=observed)


def expectation_data(active: Expectation | None) -> dict | None:
    """An expectation as stored in a case result: its kind and spec."""
    return {"kind": active.kind, **(active.spec or {})} if active is not None else None
