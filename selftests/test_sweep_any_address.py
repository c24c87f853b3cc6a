"""Issue 26: leftovers are swept whatever address reaches the server. A run through the fault proxy
(its drop answers success and drops nothing) leaves its users journaled; the next run reaches the
same server at another address (the server itself, not the proxy) and must drop them all. What is on
the server is read from the server itself."""

from __future__ import annotations

import pytest
from test_cleanup_on_broken_drop import SCENARIOS, ServerUsers, run_suite  # selftests/ is on sys.path

from milvus_conformance.harness.sweep import read_journal


@pytest.fixture
def server(embedded_endpoints):
    users = ServerUsers(embedded_endpoints)
    yield users
    users.client.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.fault)
def test_a_broken_drops_users_are_swept_through_another_address(scenario, embedded_endpoints, server, tmp_path):
    before = server.names()
    proxy, proxy_url, direct = scenario.start(embedded_endpoints)
    assert proxy_url != direct
    try:
        status, output, results = run_suite(scenario.option, proxy_url, scenario.cases, tmp_path, "broken")
        left = server.names() - before
        assert status == 1 and len(left) == len(scenario.cases), f"exit {status}, left {sorted(left)}"
        assert read_journal(tmp_path / "state" / "runs" / results["run_id"]).leftovers == left
    finally:
        proxy.stop()
    status, output, results = run_suite(scenario.option, direct, scenario.cases[:1], tmp_path, "other")
    assert status == 0, f"exit {status}\n{output[-3000:]}"
    assert f"found {len(left)} user(s) left by earlier runs against this target; removed {len(left)}" in output
    assert server.names() == before, sorted(server.names() - before)  # exact names too ('a')
    assert list((tmp_path / "state" / "runs").iterdir()) == []
