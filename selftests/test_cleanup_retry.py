"""Issue 26: connection failures during clean-up are retried with backoff (a new connection each time
where one can be made), what the target answered never is, and the ledger drops its users through a
connection that fails twice (a GOAWAY, then a failed reconnect)."""
from __future__ import annotations

import pytest

from milvus_conformance.errors import HarnessError, TargetUnreachable
from milvus_conformance.harness.ledger import Journal, UserLedger
from milvus_conformance.harness.retry import PatientAdmin


class FlakyAdmin:
    """Fails the first `failures` calls as if the connection dropped, then answers."""

    def __init__(self, failures: int, names=()):
        self.failures, self.names, self.calls = failures, set(names), 0

    def _maybe_fail(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise TargetUnreachable("SDK target unreachable during list_users")

    def user_names(self):
        self._maybe_fail()
        return sorted(self.names)

    def drop_user(self, name):
        self._maybe_fail()
        self.names.discard(name)


def test_a_connection_failure_is_retried_with_backoff_and_a_new_connection():
    made, slept = [], []

    def connect():
        made.append(FlakyAdmin(1 if not made else 0, ["root", "u"]))
        return made[-1]

    admin = PatientAdmin(connect, sleep=slept.append)
    assert admin.user_names() == ["root", "u"]
    assert len(made) == 2 and slept == [0.5] and admin.retries == 1


def test_it_gives_up_after_the_backoff():
    slept = []
    admin = PatientAdmin.around(FlakyAdmin(99), sleep=slept.append)
    with pytest.raises(TargetUnreachable):
        admin.user_names()
    assert slept == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_what_the_target_answered_is_never_retried():
    class Refusing(FlakyAdmin):
        def drop_user(self, name):
            self.calls += 1
            raise HarnessError("could not drop 'u': HTTP 200 code 65535")

    inner = Refusing(0, ["u"])
    with pytest.raises(HarnessError):
        PatientAdmin.around(inner, sleep=lambda s: None).drop_user("u")
    assert inner.calls == 1


def test_the_ledger_drops_its_users_through_a_dropped_connection(tmp_path):
    flaky = FlakyAdmin(0, [])
    ledger = UserLedger("abc123", Journal(tmp_path, "abc123"), PatientAdmin.around(flaky, sleep=lambda s: None),
                        5, protected=frozenset({"root"}))
    for name in ("cfabc123_a", "cfabc123_b"):
        ledger.will_create(name)
        flaky.names.add(name)
        ledger.created(name)
    flaky.failures = flaky.calls + 2          # the next two calls fail: a GOAWAY, a failed reconnect
    assert ledger.release_all() == ["cfabc123_a", "cfabc123_b"]
    assert flaky.names == set() and not ledger.stuck
