"""Verdicts of authentication probes (a user logs in with a password after a create, a duplicate, a
drop): whether the credentials authenticated exactly as they should have."""

from __future__ import annotations

from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.verdict import Verdict, failed, judge, passed, problems


def refused_as_auth_failed(expected: Expectation, reply) -> bool:
    """Whether a REST reply is the profile's auth_failed outcome."""
    return not problems(expected, reply)


def judge_rest_login(
    user: str, reply, should: bool, auth_failed: tuple[Expectation, Expectation | None], let_in: bool
) -> Verdict:
    """REST: with the right password the answer is not the auth_failed outcome; with a wrong one it
    is exactly that outcome (judged against the active and the documented profile). `let_in`: the
    answer was a success - a wrong password that logs in is its own failure, not an envelope one."""
    if not should:
        if let_in:
            return failed(
                f"{user!r} authenticated with a wrong or dropped password: HTTP {reply.status} code {reply.code!r}"
            )
        return judge(reply, *auth_failed)
    if refused_as_auth_failed(auth_failed[0], reply):
        return failed(f"{user!r} did not authenticate with its password: HTTP {reply.status} code {reply.code!r}")
    return passed(f"{user!r} authenticates with its password")


def judge_sdk_login(user: str, connects: bool, should: bool) -> Verdict:
    """SDK: a connection with `user:password` opens exactly when it should."""
    if connects == should:
        return passed(f"{user!r} {'connects' if connects else 'cannot connect'} with that password")
    return failed(
        f"{user!r} {'connects' if connects else 'cannot connect'} with "
        f"{'a wrong or dropped' if connects else 'its'} password"
    )
