"""Helpers several case files share that the harness does not provide: passwords valid under every
profile, authentication probes on both surfaces (polled while a server's credential cache settles),
and an SDK client holding another user's token. Verdicts are decided in milvus_conformance/checks/.

Nothing here knows a code, a status or a limit: every expectation is an `Expectation` the caller got
from the active profile (`runner.expectations` / `runner.predicted`)."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable

from milvus_conformance.checks.authentication import judge_rest_login, judge_sdk_login, refused_as_auth_failed
from milvus_conformance.checks.verdict import Verdict
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.surfaces import Channel, Surface

PASSWORD = "Aa1!bcdefg"        # valid under every profile (10 characters, 4 classes)
OTHER_PASSWORD = "Bb2@hijklmn"  # valid under every profile, different from PASSWORD


# ---- authentication ------------------------------------------------------------------------------
# After a drop or a password change a server may still accept the old credentials for a moment
# (observed on Milvus 2.3.5: up to ~50 ms, about 1 in 6 drops - its proxy's credential cache). A
# refusal that is expected is therefore polled for this long before it counts as missing.
SETTLE_S = 2.0


def rest_login(rest, user: str, password: str, basic: bool = False):
    """A request made with `user:password` that needs no privilege: describing the user itself.
    `basic`: as HTTP Basic credentials instead of a Bearer token (a header value cannot carry a
    password that ends in whitespace or holds a control character; CF section 8)."""
    REDACTOR.add_credentials(user, password)
    if basic:
        return rest.describe_user(user, token=None, auth=(user, password))
    return rest.describe_user(user, token=f"{user}:{password}")


def _until(attempt: Callable[[], bool], want: bool, settle: bool) -> bool:
    """attempt() once; if `settle`, again until it gives `want`, for up to SETTLE_S."""
    start = time.monotonic()
    while True:
        got = attempt()
        if got == want or not settle or time.monotonic() - start >= SETTLE_S:
            return got
        time.sleep(0.05)


def rest_authenticates(runner, rest, user: str, password: str, should: bool,
                       settle: bool = False, basic: bool = False) -> Verdict:
    """REST: whether `user:password` authenticates as `should` says (checks/authentication.py).
    `settle`: the credentials changed a moment ago (see SETTLE_S); `basic`: see rest_login."""
    auth_failed = runner.expectations(Channel.REST, "auth_failed", "auth_failed")
    replies = []

    def accepted() -> bool:
        replies.append(rest_login(rest, user, password, basic))
        return not refused_as_auth_failed(auth_failed[0], replies[-1])
    _until(accepted, should, settle)
    let_in = runner.succeeded(Surface.REST, replies[-1])
    return judge_rest_login(user, replies[-1], should, auth_failed, let_in)


def authenticates(runner, channel: Channel, user: str, password: str, should: bool,
                  settle: bool = False, basic: bool = False) -> Verdict:
    """Whether `user:password` authenticates (REST: the answer is not auth_failed; SDK: a connection
    opens), as `should` says. `basic`: REST only, HTTP Basic credentials instead of a Bearer token."""
    if Channel(channel) is Channel.REST:
        return rest_authenticates(runner, runner.client(channel), user, password, should, settle, basic)
    sdk = runner.client(channel)
    return judge_sdk_login(user, _until(lambda: sdk.can_authenticate(user, password), should, settle),
                           should)


@contextmanager
def sdk_as(sdk, user: str, password: str):
    """`sdk` (the case's recorded SdkClient) as `user:password` instead of the suite's token."""
    client = sdk.as_user(user, password)
    try:
        yield client
    finally:
        client.close()
