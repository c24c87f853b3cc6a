"""The suite's own clean-up calls (list users, drop a user of ours) survive a connection failure: a
gateway that sends GOAWAY, a reconnect that fails once, a load balancer that drops an idle channel.

Only a failure to reach the target (TargetUnreachable: the request provably did not get an answer) is
retried, with backoff and a fresh connection when one can be made; whatever the target answered is
never retried. Both calls are safe to repeat: a listing changes nothing, and dropping a user that is
already gone leaves it gone (the ledger lists the target after its drops anyway).
"""

from __future__ import annotations

import time
from typing import Callable

from milvus_conformance.errors import TargetUnreachable

BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)  # about 30 s in all before the failure is final


class PatientAdmin:
    """AdminOps (ledger.AdminOps) that retries connection failures. `connect` makes the admin (again,
    after a failure); `close` ends one that failed (optional)."""

    def __init__(
        self,
        connect: Callable[[], object],
        *,
        backoff: tuple[float, ...] = BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
        reconnect: bool = True,
    ):
        self._connect = connect
        self._backoff = backoff
        self._sleep = sleep
        self._reconnect = reconnect
        self._admin = None
        self.retries = 0  # how many calls were retried (for the selftests and bench)

    @classmethod
    def around(cls, admin, **kwargs) -> "PatientAdmin":
        """Retry on the same admin object (its client reconnects by itself, as pymilvus and httpx do)."""
        return cls(lambda: admin, reconnect=False, **kwargs)

    def user_names(self) -> list[str]:
        return self._call(lambda admin: admin.user_names())

    def drop_user(self, name: str) -> None:
        return self._call(lambda admin: admin.drop_user(name))

    def close(self) -> None:
        admin, self._admin = self._admin, None
        if self._reconnect and admin is not None and hasattr(admin, "close"):
            try:
                admin.close()
            except Exception:  # noqa: BLE001 - a broken connection may not close cleanly
                pass

    def _call(self, fn):
        for delay in (*self._backoff, None):
            try:
                if self._admin is None:
                    self._admin = self._connect()
                return fn(self._admin)
            except TargetUnreachable:
                if delay is None:
                    raise
                if self._reconnect:
                    self.close()
                self.retries += 1
                self._sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises
