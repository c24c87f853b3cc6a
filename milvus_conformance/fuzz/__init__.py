"""Generated cases (schemathesis 4.x) against the run's target: coverage, examples and fuzzing phases
per operation, and the stateful phase through the spec's OpenAPI links.

The target is only known at run time, so the schema is loaded lazily in a fixture (`fuzz_target`),
from the spec shaped by the active profile (`schema.py`), and each operation's Hypothesis test is
built with schemathesis's own per-operation builder, the one its lazy `from_fixture(...).parametrize()`
uses. That keeps one pytest case per operation with that operation's requirement IDs and results
record, where the lazy decorator would report operations as pytest subtests of one case, which the
results collector would count as two cases each.

Every request carries the admin token except the ones schemathesis deliberately sends without valid
credentials (negated security parameter); the token is added at call time, so it never appears in a
generated case's repr. Every writing request goes through `hygiene.Hygiene`.
"""
from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from milvus_conformance.checks.verdict import Verdict
from milvus_conformance.fuzz import checks, schema
from milvus_conformance.fuzz.hygiene import WRITERS, Hygiene
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.model import Exchange, Status

# One lock for every run on this host: generated names are exact (no run prefix), so two runs against
# one server must not interleave their writing requests either, and behind a proxy a run cannot tell
# which server it talks to.
WRITERS_LOCK = Path(tempfile.gettempdir()) / "milvus-conformance-fuzz-writers.lock"



class FuzzTarget:
    """Per process: the target, the profile-shaped schemas (one per set of phases) and hygiene."""

    def __init__(self, run_context, profile, ledger):
        self.ctx, self.profile, self.ledger = run_context, profile, ledger
        self.tier = run_context.config.tier
        self.seed = schema.tier_seed(self.tier, run_context.run_id)
        REDACTOR.add(run_context.token)
        self.admin_header = f"Bearer {run_context.token}" if run_context.token else None
        checks.configure(profile, self.admin_header, run_context.auth_enabled, run_context.tls)
        self.hygiene = Hygiene(ledger, WRITERS_LOCK)
        self.session = run_context.tls.requests_session()
        self.tls_kwargs = run_context.tls.requests_kwargs()
        self._schemas: dict = {}

    def schema(self, phases: tuple[str, ...]):
        if phases not in self._schemas:
            self._schemas[phases] = schema.load_schema(
                self.profile, tier=self.tier, phases=phases, base_url=self.ctx.base_url, seed=self.seed,
                request_timeout=self.ctx.config.request_timeout,
                check_names=[c.__name__ for c in checks.CHECKS])
        return self._schemas[phases]

    def auth(self, case) -> dict:
        """The admin's Authorization, unless the case deliberately goes without valid credentials."""
        if self.admin_header is None or case.operation.schema.is_security_param_negated(case):
            return {}
        return {"Authorization": self.admin_header}

    def send(self, case):
        return case.call(session=self.session, headers=self.auth(case), **self.tls_kwargs)

    # ---- one operation, some phases -------------------------------------------------------------
    def run_operation(self, operation_id: str, phases: tuple[str, ...], record) -> None:
        from schemathesis.generation.feedback import FeedbackSources
        from schemathesis.pytest._test_builder import build_operation_test

        loaded = self.schema(phases)
        operation = loaded.find_operation_by_id(operation_id)
        counts: Counter = Counter()

        def generated_case(case):
            counts[case.meta.phase.name.value if case.meta else "explicit"] += 1
            with self.hygiene.request(case, operation_id) as step:
                if step is None:
                    counts["not sent"] += 1
                    return
                response = self.send(case)
                step.observe()
                case.validate_response(response, checks=checks.CHECKS)

        test = build_operation_test(config=loaded.config, operation=operation, test_func=generated_case,
                                    given_kwargs={}, feedback=FeedbackSources())
        self.conclude(record, operation_id, counts, run_collecting(test))

    # ---- the verdict ---------------------------------------------------------------------------
    def conclude(self, record, label: str, counts: Counter, failures: list) -> None:
        total = sum(v for k, v in counts.items() if k not in ("not sent", "scenarios"))
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        seed = f"seed {self.seed}" if label != "stateful" else "random (replay: --hypothesis-seed)"
        line = f"{label}: {total} generated cases ({detail or 'none'}); tier {self.tier}, {seed}"
        print(line)
        failed, checks.FAILED[:] = checks.FAILED[-20:], []
        if not failures:
            record.conclude(Verdict(Status.PASS, line))
            return
        for exchange in failed:       # the failing requests, for the reports (token-free curl)
            curl = REDACTOR.redact_text(exchange["curl"])
            record.add_exchange(Exchange("rest", {"reproduction": curl}, {
                "status": exchange["status"], "body": REDACTOR.redact_text(exchange["body"])},
                reproduction=curl))
        messages = list(dict.fromkeys(
            f"- {f.title}: {f.message}" + (" (did not reproduce on replay)" if flaky else "")
            for f, flaky in failures))
        text = f"{len(messages)} problem(s) found by generated cases; {line}\n" + "\n".join(messages[:10])
        # A failing operation test cites what its failing checks name, not all the operation's IDs.
        named = {i.strip() for m in messages for group in re.findall(r"\[([A-Z0-9, -]+)\]", m)
                 for i in group.split(",")}
        if named & set(record.requirements):
            record.requirements = sorted(named & set(record.requirements))
        record.conclude(Verdict(Status.FAIL, text, messages[:10]),
                        expected={"checks": [c.__name__ for c in checks.CHECKS]},
                        observed={"generated_cases": total, "by_phase": dict(counts)})


def run_collecting(test) -> list:
    """Run a Hypothesis test; return the schemathesis check failures it raised, as (failure, flaky)
    pairs (none: []). Anything else (a harness or Hypothesis error) propagates as it is."""
    try:
        test()
    except BaseException as exc:      # noqa: BLE001 - sorted below, re-raised unless check failures
        failures = _failures(exc)
        if failures is None:
            raise
        return failures
    return []


def _failures(exc, flaky: bool = False):
    from hypothesis.errors import FlakyFailure
    from schemathesis.core.failures import Failure

    if isinstance(exc, Failure):
        return [(exc, flaky)]
    if isinstance(exc, BaseExceptionGroup):
        found = []
        for inner in exc.exceptions:
            sub = _failures(inner, flaky or isinstance(exc, FlakyFailure))
            if sub is None:
                return None
            found += sub
        return found
    return None


@pytest.fixture(scope="session")
def fuzz_target(run_context, profile, ledger, request):
    if not run_context.base_url:
        pytest.skip("no REST base URL given (--base-url): generated cases need the REST surface")
    success = profile.get("rest.success_code")
    if not success.covered:   # every envelope check rests on it
        pytest.skip(f"the profile does not say what a REST success looks like: {success.cite()}")
    target = FuzzTarget(run_context, profile, ledger)
    yield target
    target.session.close()


@pytest.fixture
def fuzz(fuzz_target, fill_lock, run_context, request):
    """The target for one generated-case test; writing operations hold the fill lock shared (so the
    user-cap case never runs meanwhile) and are skipped in read-only mode."""
    params = getattr(request.node, "callspec", None)
    operation_id = params.params.get("operation_id") if params else "stateful"
    writes = operation_id in WRITERS or operation_id == "stateful"
    if writes and run_context.config.read_only:
        pytest.skip("read-only mode: generated cases of this operation change users")
    with fill_lock.shared():
        yield fuzz_target
