"""Stateful generated scenarios (nightly tier): schemathesis follows the OpenAPI links - the spec's
create -> describe / update_password / drop and drop -> describe, plus create -> list and drop -> list
added to the generated spec (schema.py) - with every operation also an entry point, judged by the
envelope-aware checks after every step. The `use_after_drop` check lists the users after every
successful drop: the dropped user must be gone (describe of a dropped user answers code 0 and an
empty role list in Milvus, so schemathesis's status-based `use_after_free` cannot judge it).

A scenario's users live across its steps (a link needs the user it created) and are dropped when the
scenario ends; every step that changes users runs under the hygiene lock, and a step naming a user
the scenario does not own that exists is not sent (`hypothesis.reject()`). Scenarios are random
(Hypothesis) from the run's fuzz seed, printed in the summary: `--fuzz-seed N` replays the same
scenarios. Every failure carries the failing request as a curl command.
"""

from collections import Counter

import hypothesis
import pytest

from milvus_conformance.fuzz import run_collecting
from milvus_conformance.fuzz.schema import STATEFUL_STEPS
from milvus_conformance.harness.runner import end_case

MAX_ALIVE = 3  # users one scenario keeps alive at most (the run's user budget is small)


def lifecycle_machine(target, counts: Counter):
    loaded = target.schema(("stateful",))

    class Lifecycle(loaded.as_state_machine()):
        def setup(self):
            counts["scenarios"] += 1
            self.owned: set[str] = set()
            self.current = None

        def step(self, input):
            case = input.case
            operation_id = case.operation.definition.raw["operationId"]
            with target.hygiene.request(case, operation_id, owned=self.owned, keep=True) as guarded:
                creates = operation_id == "createUser" and len(self.owned) >= MAX_ALIVE
                if guarded is None or creates:
                    counts["not sent"] += 1
                    hypothesis.reject()
                counts[operation_id] += 1
                self.current = guarded
                return super().step(input)

        def get_call_kwargs(self, case):
            return {"session": target.session, "headers": target.auth(case)}

        def after_call(self, response, case):
            super().after_call(response, case)
            self.current.observe()

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            kwargs.pop("session", None)
            case.validate_response(
                response, checks=target.checks.all, transport_kwargs=kwargs or None, recorder=self.recorder
            )

        def teardown(self):
            with target.hygiene.locked(self.owned):
                target.hygiene.release(self.owned)
            self.owned.clear()

    return loaded, Lifecycle


@pytest.mark.nightly
@pytest.mark.main_thread  # Hypothesis's stateful engine
@pytest.mark.surface("rest")
@pytest.mark.operation("users/create")
@pytest.mark.requirement(
    "USER-CREATE-SEMANTICS",
    "USER-DROP-SEMANTICS",
    "USER-CREATE-SUCCESS-ENVELOPE",
    "USER-CREATE-ERROR-ENVELOPE",
    "USER-CREATE-DUPLICATE",
    "USER-LIST-ENVELOPE",
    "USER-DESCRIBE-ENVELOPE",
    "USER-DROP-ENVELOPE",
    "USER-UPDATE-PASSWORD-ENVELOPE",
    "USER-CREATE-AUTH-REQUIRED",
)
def test_stateful_user_lifecycle(fuzz, record):
    counts: Counter = Counter()
    loaded, machine = lifecycle_machine(fuzz, counts)
    machine = hypothesis.seed(fuzz.settings.seed)(machine)  # --fuzz-seed replays the scenarios
    settings = hypothesis.settings(
        loaded.config.get_hypothesis_settings(phase="stateful"),
        max_examples=fuzz.settings.scenarios,
        stateful_step_count=STATEFUL_STEPS,
        derandomize=False,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    failures = run_collecting(lambda: machine.run(settings=settings))
    judged = fuzz.judge(record, "stateful", counts, failures)
    end_case(record, judged.verdict, judged.expected, judged.observed)
