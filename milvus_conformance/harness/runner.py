"""Runs one create scenario on one surface: predict the outcome from the active and the documented
profile, create (with the ledger's bookkeeping), judge the answer, and check that a refused create
left no user behind and an accepted one is listed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from milvus_conformance.checks.expectations import Expectation, expect
from milvus_conformance.checks.verdict import Verdict, combine, failed, judge
from milvus_conformance.contract.rules import deviation_citations, predict_create, stored_names
from milvus_conformance.results.surfaces import Channel, Surface


@dataclass
class Outcome:
    reply: Any
    succeeded: bool
    verdict: Verdict


class Runner:
    def __init__(self, request, profile, documented_profile, users, record):
        self.request = request
        self.profile = profile
        self.documented = documented_profile
        self.users = users
        self.record = record

    def client(self, channel: Channel):
        return self.request.getfixturevalue(Channel(channel).surface.value)   # the `rest`/`sdk` fixture

    # ---- expectations ---------------------------------------------------------------------------
    def expectations(self, channel: Channel, kind_active: str, kind_doc: str | None,
                     sources=()) -> tuple[Expectation, Expectation | None]:
        surface = Channel(channel).surface
        active = expect(self.profile, kind_active, surface, list(sources))
        if not active.covered:
            why = f": {active.sources[-1]}" if active.sources else ""
            pytest.skip(f"profile {self.profile.name} does not cover {kind_active} on {surface}{why}")
        docs = expect(self.documented, kind_doc, surface) if kind_doc else None
        return active, docs

    def predicted(self, channel: Channel, name, password,
                  depends_on: tuple[str, ...] = ()) -> tuple[Expectation, Expectation | None]:
        """`depends_on`: profile keys the input was built from; where the docs leave one of them
        open, the docs make no prediction for this input (no deviation is possible)."""
        surface = Channel(channel).surface
        mine = predict_create(self.profile, name, password, surface)
        if not mine.covered:
            pytest.skip(f"profile {self.profile.name} does not cover this input: {mine.reason}")
        docs = predict_create(self.documented, name, password, surface)
        if any(self.documented[key] is None for key in depends_on) or not docs.covered:
            return self.expectations(channel, mine.kind, None)
        return self.expectations(channel, mine.kind, docs.kind,
                                 deviation_citations(self.profile, mine, docs, self.documented))

    # ---- calls ----------------------------------------------------------------------------------
    def succeeded(self, surface: Surface, reply) -> bool:
        """Whether the target said the create succeeded (what ownership of the name rests on)."""
        if Surface(surface) is Surface.REST:
            return reply.status == 200 and reply.code == self.profile["rest.success_code"]
        return reply.exception is None

    def raw_create(self, channel: Channel, name, password, exact: bool = False, send=None, **kw):
        """Create with bookkeeping, no verdict. Returns (reply, succeeded). `send()`, when given,
        makes a request the client's create_user cannot (raw bodies, other tokens, routes)."""
        channel = Channel(channel)
        success = self.profile.get("rest.success_code")
        if channel is Channel.REST and not success.covered:   # nothing is sent: no success could be told
            pytest.skip(f"profile {self.profile.name} does not cover {success.cite()}")
        stored = stored_names(self.profile, name)
        for candidate in dict.fromkeys((name, *stored)):
            self.users.before_create(candidate, exact)
        if send is not None:
            reply = send()
        elif channel is Channel.REST:
            reply = self.client(channel).create_user(name, password, **kw)
        else:
            reply = self.client(channel).create_user(channel.style, name, password, **kw)
        ok = self.succeeded(channel.surface, reply)
        for candidate in dict.fromkeys((name, *stored)):
            self.users.after_create(candidate, ok, exact)
        return reply, ok

    def listed(self, channel: Channel, name) -> bool:
        return name in self.client(channel).user_names()

    def create(self, channel: Channel, name, password, *, exact: bool = False,
               expected: tuple[Expectation, Expectation | None] | None = None, conclude=True,
               depends_on: tuple[str, ...] = (), send=None, **kw) -> Outcome:
        active, docs = expected or self.predicted(channel, name, password, depends_on)
        existed = name in self.users.ledger.owned
        reply, ok = self.raw_create(channel, name, password, exact, send, **kw)
        verdict = judge(reply, active, docs)
        if not existed:
            verdict = self._state_check(channel, name, ok, verdict, exact)
        if conclude:
            self.conclude(verdict, active, reply)
        return Outcome(reply, ok, verdict)

    def conclude(self, verdict: Verdict, active: Expectation, reply) -> None:
        conclude(self.record, verdict, active, reply)

    def _state_check(self, channel: Channel, name, ok, verdict: Verdict, exact) -> Verdict:
        """An accepted create must be listed; a refused one must have created nothing."""
        if not isinstance(name, str) or name == "":
            return verdict
        stored = stored_names(self.profile, name)
        listed = self.users.listed(self.client(channel))
        present = any(candidate in listed for candidate in stored)
        if ok and not present:
            shown = " or ".join(repr(c) for c in stored)
            return combine(verdict, failed(f"the create answered success but {shown} is not listed"))
        if not ok and present:
            self.users.after_create(name, True, exact)   # it exists now: ours to clean up
            return combine(verdict, failed(f"the create was refused but {name!r} was created anyway"))
        return verdict


def conclude(record, verdict: Verdict, active: Expectation | None, reply=None) -> None:
    """End a case with `verdict`, recording what was expected (`active`) and what was seen."""
    expected = {"kind": active.kind, **(active.spec or {})} if active is not None else None
    record.conclude(verdict, expected=expected,
                    observed=observation(reply) if reply is not None else None)


def observation(reply) -> dict:
    if hasattr(reply, "status"):
        return {"status": reply.status, "content_type": reply.content_type,
                "body": reply.json if reply.json is not None else reply.text[:300]}
    return {"raised": reply.raised, "code": reply.code,
            "returned": None if reply.exception else repr(reply.returned)}

