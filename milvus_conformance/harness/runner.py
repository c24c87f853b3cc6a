"""Runs one create scenario on one surface: predict the outcome from the active and the documented
profile, create (with the ledger's bookkeeping), judge the answer, and check that a refused create
left no user behind and an accepted one is listed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from milvus_conformance.checks.expectations import Expectation, expect
from milvus_conformance.checks.verdict import Verdict, combine, failed, judge
from milvus_conformance.contract.rules import deviation_citations, predict_create

SURFACES = ("rest", "sdk-utility", "sdk-client")


def surface_kind(surface: str) -> str:
    return "rest" if surface == "rest" else "sdk"


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

    def client(self, surface: str):
        return self.request.getfixturevalue("rest" if surface == "rest" else "sdk")

    # ---- expectations ---------------------------------------------------------------------------
    def expectations(self, surface: str, kind_active: str, kind_doc: str | None,
                     sources=()) -> tuple[Expectation, Expectation | None]:
        kind = surface_kind(surface)
        active = expect(self.profile, kind_active, kind, list(sources))
        if not active.covered:
            pytest.skip(f"profile {self.profile.name} does not cover {kind_active} on {kind}")
        docs = expect(self.documented, kind_doc, kind) if kind_doc else None
        return active, docs

    def predicted(self, surface: str, name, password,
                  depends_on: tuple[str, ...] = ()) -> tuple[Expectation, Expectation | None]:
        """`depends_on`: profile keys the input was built from; where the docs leave one of them
        open, the docs make no prediction for this input (no deviation is possible)."""
        kind = surface_kind(surface)
        mine = predict_create(self.profile, name, password, kind)
        if not mine.covered:
            pytest.skip(f"profile {self.profile.name} does not cover this input: {mine.reason}")
        docs = predict_create(self.documented, name, password, kind)
        if any(self.documented[key] is None for key in depends_on) or not docs.covered:
            return self.expectations(surface, mine.kind, None)
        return self.expectations(surface, mine.kind, docs.kind,
                                 deviation_citations(self.profile, mine, docs, self.documented))

    # ---- calls ----------------------------------------------------------------------------------
    def succeeded(self, surface: str, reply) -> bool:
        """Whether the target said the create succeeded (what ownership of the name rests on)."""
        if surface == "rest":
            return reply.status == 200 and reply.code == self.profile["rest.success_code"]
        return reply.exception is None

    def raw_create(self, surface: str, name, password, exact: bool = False, send=None, **kw):
        """Create with bookkeeping, no verdict. Returns (reply, succeeded). `send()`, when given,
        makes a request the client's create_user cannot (raw bodies, other tokens, routes)."""
        success = self.profile.get("rest.success_code")
        if surface_kind(surface) == "rest" and not success.covered:   # ownership could not be told
            pytest.skip(f"the profile does not say what a REST success looks like: {success.cite()}")
        self.users.before_create(name, exact)
        if send is not None:
            reply = send()
        elif surface == "rest":
            reply = self.client(surface).create_user(name, password, **kw)
        else:
            reply = self.client(surface).create_user(surface.split("-", 1)[1], name, password, **kw)
        ok = self.succeeded(surface_kind(surface), reply)
        self.users.after_create(name, ok, exact)
        return reply, ok

    def listed(self, surface: str, name) -> bool:
        client = self.client(surface)
        return name in client.user_names()

    def create(self, surface: str, name, password, *, exact: bool = False,
               expected: tuple[Expectation, Expectation | None] | None = None, conclude=True,
               depends_on: tuple[str, ...] = (), send=None, **kw) -> Outcome:
        active, docs = expected or self.predicted(surface, name, password, depends_on)
        existed = name in self.users.ledger.owned
        reply, ok = self.raw_create(surface, name, password, exact, send, **kw)
        verdict = judge(reply, active, docs)
        if not existed:
            verdict = self._state_check(surface, name, ok, verdict, exact)
        if conclude:
            self.conclude(verdict, active, reply)
        return Outcome(reply, ok, verdict)

    def conclude(self, verdict: Verdict, active: Expectation, reply) -> None:
        self.record.conclude(verdict, expected={"kind": active.kind, **(active.spec or {})},
                             observed=observation(reply))

    def _state_check(self, surface, name, ok, verdict: Verdict, exact) -> Verdict:
        """An accepted create must be listed; a refused one must have created nothing."""
        if not isinstance(name, str) or name == "":
            return verdict
        present = self.listed(surface, name)
        if ok and not present:
            return combine(verdict, failed(f"the create answered success but {name!r} is not listed"))
        if not ok and present:
            self.users.after_create(name, True, exact)   # it exists now: ours to clean up
            return combine(verdict, failed(f"the create was refused but {name!r} was created anyway"))
        return verdict


def observation(reply) -> dict:
    if hasattr(reply, "status"):
        return {"status": reply.status, "content_type": reply.content_type,
                "body": reply.json if reply.json is not None else reply.text[:300]}
    return {"raised": reply.raised, "code": reply.code,
            "returned": None if reply.exception else repr(reply.returned)}


@pytest.fixture
def runner(request, profile, documented_profile, users, record) -> Runner:
    return Runner(request, profile, documented_profile, users, record)
