"""The client faults (faults/client_faults.py) on a pymilvus whose create_user is a stub: each patch
changes exactly what it says - the return value, the alias, the deadline, the keyword - and the
client plugin applies the fault named in its environment variable only."""

from __future__ import annotations

import pytest
from pymilvus import MilvusClient, connections, utility

from milvus_conformance.faults import client_plugin
from milvus_conformance.faults.catalogue import by_name


@pytest.fixture
def calls(monkeypatch):
    """Stub pymilvus's create_user (both styles) first; the fault then wraps the stubs."""
    seen = []
    monkeypatch.setattr(
        utility,
        "create_user",
        lambda user, password, using="default", timeout=None: seen.append(("utility", user, using, timeout)),
    )
    monkeypatch.setattr(
        MilvusClient,
        "create_user",
        lambda self, user_name, password, timeout=None, **kw: seen.append(("client", user_name, None, timeout)),
    )
    return seen


def _client() -> MilvusClient:
    return MilvusClient.__new__(MilvusClient)  # no connection: create_user is stubbed


def test_returns_a_value(calls, monkeypatch):
    by_name("sdk-create-user-returns-value").patch(monkeypatch)
    assert utility.create_user("a", "p", using="x", timeout=3) is True
    assert _client().create_user(user_name="a", password="p") is True
    assert calls == [("utility", "a", "x", 3), ("client", "a", None, None)]


def test_using_ignored_falls_back_to_an_open_connection(calls, monkeypatch):
    monkeypatch.setattr(connections, "list_connections", lambda: [("open", object()), ("closed", None)])
    by_name("sdk-using-ignored").patch(monkeypatch)
    utility.create_user("a", "p", using="no-such-alias")
    utility.create_user("a", "p", using="open")
    assert [c[2] for c in calls] == ["open", "open"]


def test_timeout_ignored(calls, monkeypatch):
    by_name("sdk-timeout-ignored").patch(monkeypatch)
    utility.create_user("a", "p", using="x", timeout=0.0001)
    _client().create_user(user_name="a", password="p", timeout=0.0001)
    assert [c[3] for c in calls] == [None, None]


def test_keyword_renamed(calls, monkeypatch):
    by_name("sdk-keyword-renamed").patch(monkeypatch)
    with pytest.raises(TypeError):
        _client().create_user(user_name="a", password="p")
    _client().create_user("a", "p")
    assert calls == [("client", "a", None, None)]


def test_plugin_applies_only_the_named_client_fault(calls, monkeypatch):
    class Config:
        cleanups = []

        def add_cleanup(self, fn):
            self.cleanups.append(fn)

    config = Config()
    monkeypatch.delenv(client_plugin.CLIENT_FAULT_ENV, raising=False)
    client_plugin.pytest_configure(config)
    assert not config.cleanups
    monkeypatch.setenv(client_plugin.CLIENT_FAULT_ENV, "sdk-create-user-returns-value")
    client_plugin.pytest_configure(config)
    assert utility.create_user("a", "p") is True
    config.cleanups[0]()
    assert utility.create_user("a", "p") is None
    monkeypatch.setenv(client_plugin.CLIENT_FAULT_ENV, "duplicate-code-0")
    with pytest.raises(pytest.UsageError):
        client_plugin.pytest_configure(config)
