"""State a create leaves behind, on every surface (S000/S001: "creates a new user with a corresponding
password"; CF sections 4 and 5): the lifecycle (listed, authenticates with exactly its password,
dropped, gone), duplicates (refused, the first password unchanged), names differing only in case
(as the profile says), and concurrent creates of one name (exactly one wins)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from milvus_conformance.checks.verdict import combine, failed, judge, passed
from milvus_conformance.clients.channel import on
from milvus_conformance.clients.rest import USERS, RestClient, http_client
from milvus_conformance.results.surfaces import CHANNELS, Channel
from tests.support import OTHER_PASSWORD, PASSWORD, authenticates

PARALLEL = 16


@contextmanager
def _client_for(runner, run_context, record, channel, connections):
    """The channel's client; for REST one of our own whose pool already holds `connections` open
    keep-alive connections, opened one after the other. Opening them all at the same moment would
    test the target's listen backlog, not concurrent creates (the gateway's is 5: bursts of new
    connections get reset)."""
    if channel is not Channel.REST:
        yield runner.client(channel)
        return
    http = http_client(
        run_context.base_url,
        run_context.config.request_timeout,
        run_context.tls,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    )
    try:
        with ExitStack() as held:  # all open at once (bodies unread), then read: all kept alive
            opened = [
                held.enter_context(
                    http.stream(
                        "POST",
                        f"{USERS}/list",
                        content=b"{}",
                        headers={"Authorization": f"Bearer {run_context.token}"},
                        extensions=run_context.tls.httpx_extensions(),
                    )
                )
                for _ in range(connections)
            ]
            for response in opened:
                response.read()
        yield RestClient(
            run_context.base_url,
            run_context.token,
            recorder=record,
            http=http,
            throttle=runner.client(channel).throttle,
            tls=run_context.tls,
        )
    finally:
        http.close()


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.requirement("USER-CREATE-SEMANTICS", "USER-DROP-SEMANTICS")
def test_lifecycle(channel, runner, users, record):
    name = users.name()
    created = runner.attempt(channel, name, PASSWORD)
    if not created.succeeded:
        runner.end(created.verdict, runner.expectations(channel, "ok", None)[0], created.reply)
        return
    checks = [
        created.verdict,
        authenticates(runner, channel, name, PASSWORD, should=True),
        authenticates(runner, channel, name, OTHER_PASSWORD, should=False),
    ]
    ok = runner.expectations(channel, "ok", "ok")
    dropped = runner.on(channel).drop(name)
    checks.append(judge(dropped, *ok))
    if runner.listed(channel, name):
        checks.append(failed(f"{name!r} is still listed after the drop"))
    else:
        users.dropped(name)
        checks.append(passed("no longer listed"))
        checks.append(authenticates(runner, channel, name, PASSWORD, should=False, settle=True))
    runner.end(combine(*checks), ok[0], dropped)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.requirement("USER-CREATE-DUPLICATE", "USER-CREATE-SEMANTICS")
def test_duplicate_keeps_first_password(channel, runner, users, record):
    name = users.name()
    first, ok = runner.raw_create(channel, name, PASSWORD)
    assert ok, f"setup: the first create of {name!r} failed"
    expected = runner.expectations(channel, "duplicate", "duplicate")
    second = runner.attempt(channel, name, OTHER_PASSWORD, expected=expected, check_state=False)
    verdict = combine(
        second.verdict,
        authenticates(runner, channel, name, PASSWORD, should=True),
        authenticates(runner, channel, name, OTHER_PASSWORD, should=False),
    )
    runner.end(verdict, expected[0], second.reply)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.requirement("USER-CREATE-NAME-CASE")
def test_name_differing_only_in_case(channel, runner, profile, users, record):
    sensitive = profile["user_name.case_sensitive"]
    if sensitive is None:
        pytest.skip(f"profile {profile.name} does not cover user_name.case_sensitive")
    name = users.name(tag="Case")
    variant = name.replace("Case", "cASE")  # the run prefix stays as it is: still ours
    first, ok = runner.raw_create(channel, name, PASSWORD)
    assert ok, f"setup: the first create of {name!r} failed"
    kind = "ok" if sensitive else "duplicate"
    expected = runner.expectations(channel, kind, None)
    second = runner.attempt(channel, variant, OTHER_PASSWORD, expected=expected)
    checks = [second.verdict, authenticates(runner, channel, name, PASSWORD, should=True)]
    if sensitive and second.succeeded:
        checks += [
            authenticates(runner, channel, variant, OTHER_PASSWORD, should=True),
            authenticates(runner, channel, name, OTHER_PASSWORD, should=False),
        ]
        if not runner.listed(channel, name):
            checks.append(failed(f"{name!r} is no longer listed after creating {variant!r}"))
    runner.end(combine(*checks), expected[0], second.reply)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.requirement("USER-CREATE-CONCURRENCY", "USER-CREATE-DUPLICATE")
def test_concurrent_creates_of_one_name(channel, runner, run_context, users, record):
    name = users.name()
    ok = runner.expectations(channel, "ok", "ok")
    duplicate = runner.expectations(channel, "duplicate", "duplicate")
    start = threading.Barrier(PARALLEL)

    users.before_create(name)
    try:
        with _client_for(runner, run_context, record, channel, PARALLEL) as client:

            def one(_):
                start.wait(timeout=30)
                return on(channel, rest=client, sdk=client).create(name, PASSWORD)

            with ThreadPoolExecutor(PARALLEL) as pool:
                replies = list(pool.map(one, range(PARALLEL)))
    finally:
        # whatever happened, the name may exist now: it is ours to drop
        users.after_create(name, runner.listed(channel, name))
    winners = [r for r in replies if runner.succeeded(channel.surface, r)]
    losers = [r for r in replies if not runner.succeeded(channel.surface, r)]
    checks = [judge(r, *ok) for r in winners] + [judge(r, *duplicate) for r in losers]
    if len(winners) != 1:
        checks.append(failed(f"{len(winners)} of {PARALLEL} concurrent creates succeeded, expected 1"))
    else:
        checks.append(passed(f"1 success, {len(losers)} duplicates"))
    if not runner.listed(channel, name):
        checks.append(failed(f"{name!r} is not listed after the concurrent creates"))
    runner.end(combine(*checks), duplicate[0], losers[0] if losers else None)
