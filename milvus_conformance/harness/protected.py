"""The users a run must never drop: the protected admins of the target's kind (the profile's
`users.protected`, e.g. root for Milvus, db_admin for Zilliz Cloud) plus the token's own user.
Nothing here assumes that any of them exists on the target."""

from __future__ import annotations

from milvus_conformance.contract.profiles import available_profiles, load_profile

KEY = "users.protected"


def profile_protected(profile_name: str) -> list[str] | None:
    """What the profile says (None: it does not say)."""
    names = load_profile(profile_name).get(KEY).value
    return None if names is None else [str(n) for n in names]


def protected_users(profile_name: str, token: str | None) -> frozenset[str]:
    """For the ledger and sweeps. A profile that leaves the key null gets every name any profile
    protects: guarding a user that is not there costs nothing, dropping an admin cannot be undone."""
    names = profile_protected(profile_name)
    if names is None:
        names = [n for p in available_profiles() for n in (profile_protected(p) or [])]
    user, sep, _ = (token or "").partition(":")
    return frozenset(names) | ({user} if sep and user else set())
