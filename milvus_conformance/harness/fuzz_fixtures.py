"""Fixtures of the generated cases (tests/test_fuzz_rest.py, tests/test_fuzz_stateful.py): one
`FuzzTarget` per process, and per case the fill lock and read-only mode. Registered by the plugin."""

from __future__ import annotations

import pytest

from milvus_conformance.harness.skip_kinds import not_applicable, skip_by_choice
from milvus_conformance.fuzz import FuzzTarget
from milvus_conformance.fuzz.hygiene import WRITERS
from milvus_conformance.harness.interrupt import critical
from milvus_conformance.harness.keys import ENGINE, PREGENERATED


@pytest.fixture(scope="session")
def fuzz_target(run_context, profile, ledger, request):
    if not run_context.base_url:
        not_applicable("no REST base URL given (--base-url): generated cases need the REST surface")
    success = profile.get("rest.success_code")
    if not success.covered:  # without it no generated answer can be told a success
        pytest.skip(f"not covered by the active profile: {success.cite()}")
    engine = request.config.stash.get(ENGINE, None)  # --jobs N: a generated case's requests N at a time
    senders = engine.threads if engine is not None else 1
    target = FuzzTarget(
        run_context,
        profile,
        ledger,
        critical=lambda: critical(request.config),
        senders=senders,
        pregenerated=request.config.stash.get(PREGENERATED, None),  # the cases built ahead, if any
    )
    yield target
    target.close()


@pytest.fixture
def fuzz(fuzz_target, fill_lock, run_context, request):
    """The target for one generated-case test; writing operations hold the fill lock shared (so the
    user-cap case never runs meanwhile) and are skipped in read-only mode."""
    params = getattr(request.node, "callspec", None)
    operation_id = params.params.get("operation_id") if params else "stateful"
    writes = operation_id in WRITERS or operation_id == "stateful"
    if writes and run_context.config.read_only:
        skip_by_choice("read-only mode: generated cases of this operation change users")
    with fill_lock.shared():
        yield fuzz_target
