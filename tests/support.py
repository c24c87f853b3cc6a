"""Helpers several case files share that the harness does not provide: passwords valid under every
profile, authentication probes on both surfaces (polled while a server's credential cache settles,
for at most the profile's `users.settle_s`),
and an SDK client holding another user's token. Verdicts are decided in milvus_conformance/checks/.

Nothing here knows a code, a status or a limit: every expectation is an `Expectation` the caller got
from the active profile (`runner.expectations` / `runner.predicted`)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from milvus_conformance.checks.authentication import judge_rest_login, judge_sdk_login, refused_as_auth_failed
from milvus_conformance.checks.settle import Bound, bound_of, late, poll
from milvus_conformance.checks.verdict import Verdict, combine, labelled
from milvus_conformance.clients.channel import RestChannel
from milvus_conformance.harness.settle_plugin import note
from milvus_conformance.results.model import Status
from milvus_conformance.results.surfaces import Channel, Surface

PASSWORD = "Aa1!bcdefg"  # valid under every profile (10 characters, 4 classes)
OTHER_PASSWORD = "Bb2@hijklmn"  # valid under every profile, different from PASSWORD


# ---- authentication ------------------------------------------------------------------------------
# A login right after a create, an update_password or a drop may see the target's credential cache
# before the change (observed on Milvus 2.3.5: a dropped user let in for up to ~50 ms after about one
# drop in six; a multi-proxy cluster broadcasts a change to the other proxies' caches). Every check
# here therefore polls until it gives the answer it should, for at most the profile's bound
# (`users.settle_s`, checks/settle.py), records how long that took (results.json `settle`), and fails
# citing the time when the bound is not enough. `settle=False`: one attempt only.


def settle_bound(runner) -> Bound:
    """The active profile's settle bound (users.settle_s)."""
    return bound_of(runner.profile)


def rest_login(rest, user: str, password: str, basic: bool = False):
    """A request made with `user:password` that needs no privilege: describing the user itself.
    `basic`: as HTTP Basic credentials instead of a Bearer token (a header value cannot carry a
    password that ends in whitespace or holds a control character; CF section 8)."""
    return RestChannel(rest).login(user, password, basic=basic)


def _until(
    runner, surface: Surface, user: str, attempt: Callable[[], bool], want: bool, settle: bool
) -> tuple[bool, Verdict | None]:
    """attempt() until it gives `want`, for at most the settle bound (once without `settle`); the
    sample is recorded on the case. Returns the last answer and the failure citing the time when
    the bound was not enough."""
    bound = settle_bound(runner) if settle else Bound(0.0, "one attempt")
    polled = poll(attempt, want, bound, Surface(surface).value, user)
    if settle:
        note(runner.item, polled.sample)
    return polled.accepted, late(polled.sample, bound) if settle else None


def rest_authenticates(
    runner, rest, user: str, password: str, should: bool, settle: bool = True, basic: bool = False
) -> Verdict:
    """REST: whether `user:password` authenticates as `should` says (checks/authentication.py),
    polled while the credentials settle (see above); `basic`: see rest_login."""
    auth_failed = runner.expectations(Channel.REST, "auth_failed", "auth_failed")
    replies = []

    def accepted() -> bool:
        replies.append(rest_login(rest, user, password, basic))
        return not refused_as_auth_failed(auth_failed[0], replies[-1])

    _, too_late = _until(runner, Surface.REST, user, accepted, should, settle)
    let_in = runner.succeeded(Surface.REST, replies[-1])
    return combine(judge_rest_login(user, replies[-1], should, auth_failed, let_in), too_late)


def authenticates(
    runner, channel: Channel, user: str, password: str, should: bool, settle: bool = True, basic: bool = False
) -> Verdict:
    """Whether `user:password` authenticates (REST: the answer is not auth_failed; SDK: a connection
    opens), as `should` says, polled while the credentials settle (see above). `basic`: REST only,
    HTTP Basic credentials instead of a Bearer token."""
    if Channel(channel) is Channel.REST:
        return rest_authenticates(runner, runner.client(channel), user, password, should, settle, basic)
    sdk = runner.on(channel)
    connects, too_late = _until(runner, Surface.SDK, user, lambda: sdk.authenticates(user, password), should, settle)
    return combine(judge_sdk_login(user, connects, should), too_late)


def usable(runner, channel: Channel, user: str, password: str) -> Verdict:
    """Before the suite acts as a user it has just created (or changed): wait until its credentials
    authenticate, for at most the settle bound (recorded like every login check). A failing verdict
    says the user never became usable within the bound."""
    return labelled(f"before acting as {user!r}", authenticates(runner, channel, user, password, should=True))


@contextmanager
def sdk_as(sdk, user: str, password: str, runner=None, channel: Channel | None = None):
    """`sdk` (the case's recorded SdkClient) as `user:password` instead of the suite's token. With
    `runner`, first waits until those credentials authenticate (`usable`); if they never do within
    the bound, the case ends with that failure."""
    if runner is not None:
        ready = usable(runner, channel or Channel.SDK_CLIENT, user, password)
        if ready.status is not Status.PASS:
            runner.end(ready)
    client = sdk.as_user(user, password)
    try:
        yield client
    finally:
        client.close()
