"""Generated cases (schemathesis 4.x) against the run's target: coverage, examples and fuzzing phases
per operation, and the stateful phase through the spec's OpenAPI links.

The target is only known at run time, so the schema is loaded lazily by a `FuzzTarget` (the
`fuzz_target` fixture, harness/fuzz_fixtures.py),
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

import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from milvus_conformance.checks.verdict import Verdict, failed, passed
from milvus_conformance.fuzz import schema
from milvus_conformance.fuzz.checks import CheckSettings, GeneratedChecks
from milvus_conformance.fuzz.failures import finding_of
from milvus_conformance.fuzz.generate import generate, operation_test
from milvus_conformance.fuzz.hygiene import Hygiene, with_fresh_example_name
from milvus_conformance.fuzz.pregenerate import Built, Inputs
from milvus_conformance.fuzz.senders import Senders
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.generation import Generation

# One lock for every run on this host: generated names are exact (no run prefix), so two runs against
# one server must not interleave their writing requests either, and behind a proxy a run cannot tell
# which server it talks to.
WRITERS_LOCK = Path(tempfile.gettempdir()) / "milvus-conformance-fuzz-writers.lock"
NOT_GENERATED = ("not sent", "scenarios")  # counters that are not generated requests
SHOWN_FAILURES = 10


@dataclass(frozen=True)
class Judged:
    """A generated-case test's verdict, with what it expected and observed: the test ends its case
    with it (`harness.runner.end_case`)."""

    verdict: Verdict
    expected: dict | None = None
    observed: dict | None = None


class FuzzTarget:
    """Per process: the target, the profile-shaped schemas (one per set of phases), hygiene and the
    checks, all built from the run context (no environment, no module state)."""

    def __init__(self, run_context, profile, ledger, critical=None, senders: int = 1, pregenerated=None):
        self.ctx, self.profile, self.ledger = run_context, profile, ledger
        self.settings = schema.FuzzSettings.of(run_context.config.tier, run_context.run_id, run_context.config.fuzz)
        self.pregenerated = pregenerated  # the cases built once the cases were collected (pregenerate.py)
        self.inputs = Inputs.of(profile, self.settings, run_context.config.request_timeout)
        REDACTOR.add(run_context.token)
        self.admin_header = f"Bearer {run_context.token}" if run_context.token else None
        self.hygiene = Hygiene(ledger, WRITERS_LOCK, *([critical] if critical else []))
        self.checks = GeneratedChecks(
            CheckSettings.of(profile, self.admin_header, run_context.auth_enabled, run_context.tls), self.hygiene.facts
        )
        self.session = run_context.tls.requests_session()  # the main thread's
        self.tls_kwargs = run_context.tls.requests_kwargs()
        self.senders = Senders(senders, run_context.tls.requests_session, ledger.in_thread)
        self._schemas: dict = {}
        self._generating = threading.Lock()
        self.example_name = schema.example_user_name()

    def schema(self, phases: tuple[str, ...]):
        if phases not in self._schemas:
            self._schemas[phases] = schema.load_schema(
                self.profile,
                self.settings,
                phases=phases,
                base_url=self.ctx.base_url,
                request_timeout=self.ctx.config.request_timeout,
            )
        return self._schemas[phases]

    def auth(self, case) -> dict:
        """The admin's Authorization, unless the case deliberately goes without valid credentials."""
        if self.admin_header is None or case.operation.schema.is_security_param_negated(case):
            return {}
        return {"Authorization": self.admin_header}

    def send(self, case):
        session = self.senders.session(self.session)
        return case.call(base_url=self.ctx.base_url, session=session, headers=self.auth(case), **self.tls_kwargs)

    def close(self) -> None:
        self.senders.close()
        self.session.close()

    # ---- one operation, some phases -------------------------------------------------------------
    def run_operation(self, operation_id: str, phases: tuple[str, ...], record) -> Judged:
        """The operation's cases of `phases`, sent and checked. The explicit phases (examples,
        coverage) are generated first and sent side by side (fuzz/senders.py); random data (fuzzing)
        is sent inside Hypothesis, which shrinks a failing case and replays it."""
        built = self._built(operation_id, phases)
        counts: Counter = Counter()

        def generated_case(case):
            counts[_phase(case)] += 1
            if not self.check(case, operation_id):
                counts["not sent"] += 1

        if "fuzzing" in phases:
            return self.judge(
                record,
                operation_id,
                counts,
                run_collecting(operation_test(built.loaded, built.operation, generated_case)),
            )
        cases = list(built.cases)
        counts.update(_phase(case) for case in cases)
        for case in cases:
            with_fresh_example_name(case, self.example_name, lambda: self.ledger.fresh_name(tag="Ex"))
        sent = self.senders.send_all(cases, lambda case: self.check(case, operation_id), _failures)
        counts["not sent"] += sum(1 for one in sent if not one.sent)
        return self.judge(record, operation_id, +counts, [f for one in sent for f in one.failures])

    def _built(self, operation_id: str, phases: tuple[str, ...]) -> Built:
        """The operation's cases of the explicit phases, built once the cases were collected
        (pregenerate.py) or now; for the fuzzing phase, the operation only (its cases are built as
        they are sent)."""
        if self.pregenerated is not None:
            ahead = self.pregenerated.take(operation_id, phases, self.inputs)
            if ahead is not None:
                return ahead
        with self._generating:  # one generation at a time, in whichever thread runs the case
            loaded = self.schema(phases)
            operation = loaded.find_operation_by_id(operation_id)
            cases = () if "fuzzing" in phases else tuple(generate(loaded, operation))
        return Built(loaded, operation, cases)

    def check(self, case, operation_id: str) -> bool:
        """Send one generated case under hygiene and run the checks (a check failure raises it).
        False: not sent (it would touch a user this run did not create)."""
        with self.hygiene.request(case, operation_id) as step:
            if step is None:
                return False
            response = self.send(case)
            step.observe()
            case.validate_response(response, checks=self.checks.all)
        return True

    # ---- the verdict ---------------------------------------------------------------------------
    def judge(self, record, label: str, counts: Counter, failures: list) -> Judged:
        """The case's verdict from what was generated and the check failures found (failure, flaky);
        what was generated and the failing requests go to `record`, the case ends in its test."""
        record.generation = Generation(
            label,
            sum(v for k, v in counts.items() if k not in NOT_GENERATED),
            dict(counts),
            self.settings.tier,
            self.settings.seed,
        )
        line = record.generation.summary()
        if not failures:
            return Judged(passed(line))
        findings = [f for f in (finding_of(failure) for failure, _ in failures) if f is not None]
        for finding in findings[-20:]:  # the failing requests, for the reports (token-free curl)
            record.add_exchange(finding.exchange(record.operation, REDACTOR))
        messages = list(
            dict.fromkeys(
                f"- {f.title}: {f.message}" + (" (did not reproduce on replay)" if flaky else "")
                for f, flaky in failures
            )
        )
        text = f"{len(messages)} problem(s) found by generated cases; {line}\n" + "\n".join(messages[:SHOWN_FAILURES])
        # A failing operation test cites what its failing checks name, not all the operation's IDs.
        named = {r for finding in findings for r in finding.requirements} & set(record.requirements)
        if named:
            record.requirements = sorted(named)
        return Judged(
            failed(text, messages[:SHOWN_FAILURES]),
            expected={"checks": [c.__name__ for c in self.checks.all]},
            observed={"generated_cases": record.generation.cases, "by_phase": dict(counts)},
        )


def _phase(case) -> str:
    return case.meta.phase.name.value if case.meta else "explicit"


def run_collecting(test) -> list:
    """Run a Hypothesis test; return the schemathesis check failures it raised, as (failure, flaky)
    pairs (none: []). Anything else (a harness or Hypothesis error) propagates as it is."""
    try:
        test()
    except BaseException as exc:  # noqa: BLE001 - sorted below, re-raised unless check failures
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
