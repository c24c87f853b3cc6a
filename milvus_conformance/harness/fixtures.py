"""Fixtures the cases use: the run context and profiles, recorded clients for both surfaces, a
per-case user scope that drops every user the case created, pass or fail, and the runner. Registered
by the plugin (`pytest_plugins`), like the generated cases' fixtures (fuzz_fixtures.py)."""

from __future__ import annotations

import os
import time
from contextlib import ExitStack, nullcontext
from pathlib import Path
from typing import NamedTuple

import pytest

from milvus_conformance.harness.skip_kinds import not_applicable, skip_by_choice
from milvus_conformance.clients.throttle import RateLimit
from milvus_conformance.contract.profiles import documented
from milvus_conformance.errors import HarnessError
from milvus_conformance.harness.interrupt import critical
from milvus_conformance.harness.keys import CONTEXT
from milvus_conformance.harness.fill_lock import FillLock
from milvus_conformance.harness.ledger import Journal, UserLedger
from milvus_conformance.harness.recorder import RECORDER, CaseRecorder
from milvus_conformance.harness.admin import admin_ops
from milvus_conformance.harness.run_context import RunContext
from milvus_conformance.harness.retry import PatientAdmin
from milvus_conformance.harness.runner import Runner


@pytest.fixture(scope="session")
def run_context(pytestconfig) -> RunContext:
    return pytestconfig.stash[CONTEXT]


@pytest.fixture(scope="session")
def profile(run_context):
    return run_context.profile()


@pytest.fixture(scope="session")
def documented_profile():
    return documented()


@pytest.fixture
def record(request) -> CaseRecorder:
    recorder = CaseRecorder(request.node)
    request.node.stash[RECORDER] = recorder
    return recorder


# ---- clients ---------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def throttle(run_context) -> RateLimit:
    """This process's request rate limit (--rate-limit), shared by both surfaces' clients."""
    return RateLimit(run_context.config.rate_limit)


@pytest.fixture(scope="session")
def rest_admin(run_context, throttle):
    if not run_context.base_url:
        not_applicable("no REST base URL given (--base-url): REST surface not tested")
    from milvus_conformance.clients.rest import RestClient

    client = RestClient(
        run_context.base_url,
        run_context.token,
        timeout=run_context.config.request_timeout,
        throttle=throttle,
        tls=run_context.tls,
    )
    yield client
    client.close()


@pytest.fixture(scope="session")
def sdk_admin(run_context, throttle):
    if not run_context.grpc_uri:
        not_applicable("no gRPC URI given (--grpc-uri): SDK surface not tested")
    from milvus_conformance.clients.sdk import SdkClient

    client = SdkClient(
        run_context.grpc_uri,
        run_context.token,
        timeout=run_context.config.request_timeout,
        throttle=throttle,
        tls=run_context.tls,
    )
    yield client
    client.close()


@pytest.fixture
def rest(rest_admin, record):
    return rest_admin.with_recorder(record)


@pytest.fixture
def sdk(sdk_admin, record):
    return sdk_admin.with_recorder(record)


@pytest.fixture
def auth_enabled(run_context):
    if not run_context.auth_enabled:
        not_applicable("the target has authorization disabled: authentication cannot be checked")


# ---- users ---------------------------------------------------------------------------------------
def _process_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _workers() -> int:
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))


@pytest.fixture(scope="session")
def ledger(run_context, request):
    """This process's share of the run's users. Dropped at the end of the session; the controller
    sweeps the journal after that, which also covers a worker that died."""
    if run_context.grpc_uri:
        admin = admin_ops(run_context, sdk=request.getfixturevalue("sdk_admin"))
    else:
        admin = admin_ops(run_context, rest=request.getfixturevalue("rest_admin"))
    journal = Journal(run_context.config.state_dir, run_context.run_id, _process_name())
    share = max(2, run_context.config.max_users // _workers())
    book = UserLedger(
        run_context.run_id, journal, PatientAdmin.around(admin), max_alive=share, protected=run_context.protected
    )
    yield book
    try:
        book.release_all()
    except HarnessError:
        pass  # every case has its verdict; they are journaled: the run's final sweep drops them


@pytest.fixture(scope="session")
def fill_lock(run_context) -> FillLock:
    return FillLock(Path(run_context.config.state_dir) / "runs" / run_context.run_id)


class Credentials(NamedTuple):
    user: str
    password: str


class UserScope:
    """The users of one case: named with the run prefix, recorded before they are created, dropped
    when the case ends; and the suite's own admin credentials, for cases that vary them."""

    def __init__(self, ledger: UserLedger, token: str | None = None, critical=nullcontext):
        self.ledger = ledger
        self.token = token
        self.mine: list[str] = []
        self.critical = critical  # an exact name: Ctrl-C held from its journal entry to "created"
        self._held = ExitStack()
        self._pending: list = []  # exact names whose create is in flight
        self._reserved: list[str] = []  # names of creates in flight (UserLedger.will_create)

    def admin(self) -> Credentials:
        """The suite's token as (user, password); skips the case for an API key."""
        user, sep, password = (self.token or "").partition(":")
        if not (sep and user and password):
            not_applicable("the suite's token is an API key, not user:password")
        return Credentials(user, password)

    def name(self, length: int | None = None, tag: str = "") -> str:
        return self.ledger.fresh_name(length, tag)

    def exact(self, name: str) -> str:
        """A name without the run prefix (e.g. 1 character): skip if somebody already has it."""
        if not self.ledger.claim_exact(name):
            pytest.skip(f"a user named {name!r} already exists on the target and is not ours")
        return name

    def before_create(self, name, exact: bool = False) -> None:
        if exact:
            self._held.enter_context(self.critical())
            self._pending.append(name)
        self.ledger.will_create(name, exact, own=[*self.mine, *self._reserved])
        if isinstance(name, str) and name:
            self._reserved.append(name)

    def after_create(self, name, success: bool, exact: bool = False) -> None:
        if success and isinstance(name, str) and name:
            self.ledger.created(name, exact)
            self.mine.append(name)
        if isinstance(name, str) and name in self._reserved:
            self._reserved.remove(name)
            if not success:
                self.ledger.unreserve(name)
        if exact and not success:
            self.ledger.unclaim(name)
        if exact and name in self._pending:
            self._pending.remove(name)
            if not self._pending:  # every name of the create is journaled
                self.release_held()

    def release_held(self) -> None:
        """A held Ctrl-C is raised now (the create's outcome is journaled)."""
        held, self._held, self._pending = self._held, ExitStack(), []
        held.close()

    def dropped(self, name: str) -> None:
        self.ledger.forget(name)
        if name in self.mine:
            self.mine.remove(name)

    def listed(self, client) -> list[str]:
        """`client.user_names()` (the case's own listing, recorded): it also verifies the drops
        of earlier cases (UserLedger.observe), so they need no listing of their own."""
        started = time.monotonic()
        names = client.user_names()
        self.ledger.observe(names, started)
        return names

    def cleanup(self) -> None:
        """Drop the case's users; the next listing (usually the next case's) verifies the drops."""
        try:
            for name in reversed(self.mine):
                if name in self.ledger.owned:
                    self.ledger.release(name, verify=False)
            self.mine.clear()
        finally:
            for name in self._reserved:  # a create that never got its answer (the case broke off)
                self.ledger.unreserve(name)
            self._reserved.clear()
            self.release_held()


@pytest.fixture
def users(ledger, fill_lock, run_context, request):
    if run_context.config.read_only:
        skip_by_choice("read-only mode: this case creates users")
    scope = UserScope(ledger, run_context.token, lambda: critical(request.config))
    with fill_lock.shared():
        try:
            yield scope
        finally:
            scope.cleanup()


@pytest.fixture
def runner(request, profile, documented_profile, users, record) -> Runner:
    return Runner(
        lambda surface: request.getfixturevalue(surface.value), profile, documented_profile, users, record, request.node
    )
