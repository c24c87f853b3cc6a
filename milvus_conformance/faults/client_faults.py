"""The SDK faults no server can show: what `create_user` does in the client library itself (S001
"RETURNS", "PARAMETERS": using and timeout, "Request Syntax"). A proxy only sees the wire, and
`using` selects a connection, `timeout` becomes a client-side deadline and the return value and the
keywords belong to pymilvus - so these faults patch pymilvus inside the suite's own process
(faults/client_plugin.py applies one), standing in for an SDK release that got them wrong.
Each names the ONE requirement (written out in full) it violates."""

from __future__ import annotations

from pymilvus import MilvusClient, connections, utility

from milvus_conformance.faults.model import Fault


def _connected(alias: str) -> bool:
    return dict(connections.list_connections()).get(alias) is not None


def _connected_alias(unwanted: str) -> str:
    """A connected alias other than `unwanted`, or `unwanted` if there is none."""
    return next(
        (alias for alias, _ in connections.list_connections() if alias != unwanted and _connected(alias)), unwanted
    )


def returns_a_value(monkeypatch) -> None:
    utility_create, client_create = utility.create_user, MilvusClient.create_user

    def create_user(user, password, using="default", timeout=None):
        utility_create(user, password, using=using, timeout=timeout)
        return True

    def client_create_user(self, user_name, password, timeout=None, **kwargs):
        client_create(self, user_name, password, timeout=timeout, **kwargs)
        return True

    monkeypatch.setattr(utility, "create_user", create_user)
    monkeypatch.setattr(MilvusClient, "create_user", client_create_user)


def using_ignored(monkeypatch) -> None:
    utility_create = utility.create_user

    def create_user(user, password, using="default", timeout=None):
        alias = using if _connected(using) else _connected_alias(using)
        return utility_create(user, password, using=alias, timeout=timeout)

    monkeypatch.setattr(utility, "create_user", create_user)


def timeout_ignored(monkeypatch) -> None:
    utility_create, client_create = utility.create_user, MilvusClient.create_user

    def create_user(user, password, using="default", timeout=None):
        return utility_create(user, password, using=using)

    def client_create_user(self, user_name, password, timeout=None, **kwargs):
        return client_create(self, user_name, password, **kwargs)

    monkeypatch.setattr(utility, "create_user", create_user)
    monkeypatch.setattr(MilvusClient, "create_user", client_create_user)


def keyword_renamed(monkeypatch) -> None:
    client_create = MilvusClient.create_user

    def client_create_user(self, username=None, password=None, timeout=None, **kwargs):
        if "user_name" in kwargs:
            raise TypeError("create_user() got an unexpected keyword argument 'user_name'")
        return client_create(self, username, password, timeout=timeout, **kwargs)

    monkeypatch.setattr(MilvusClient, "create_user", client_create_user)


def client(name: str, requirement: str, description: str, patch) -> Fault:
    return Fault(name, requirement, description, layer="client", patch=patch)


CLIENT_FAULTS = [
    client(
        "sdk-create-user-returns-value",
        "SDK-CREATE-USER-RETURNS-NONE",
        "pymilvus: utility.create_user and MilvusClient.create_user return True on success instead of None",
        returns_a_value,
    ),
    client(
        "sdk-using-ignored",
        "SDK-CREATE-USER-USING",
        "pymilvus: utility.create_user ignores an unknown `using` "
        "alias and creates the user on another open connection",
        using_ignored,
    ),
    client(
        "sdk-timeout-ignored",
        "SDK-CREATE-USER-TIMEOUT",
        "pymilvus: create_user (both styles) drops `timeout`: no deadline, an impossible timeout succeeds",
        timeout_ignored,
    ),
    client(
        "sdk-keyword-renamed",
        "SDK-CREATE-USER-SIGNATURE",
        "pymilvus: MilvusClient.create_user's `user_name` "
        "keyword is renamed `username` (the documented keyword raises TypeError)",
        keyword_renamed,
    ),
]
