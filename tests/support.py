"""Helpers several case files share that the harness does not provide (yet): combining the verdicts
of one case, judging the list/describe envelopes against their own schemas, a create sent any way a
case likes (raw body, other method, other client) with the ledger's bookkeeping and the runner's
state check, authentication probes on both surfaces, and an SDK client holding another user's token.

Nothing here knows a code, a status or a limit: every expectation is an `Expectation` the caller got
from the active profile (`runner.expectations` / `runner.predicted`)."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable

from milvus_conformance.checks import rest_checks
from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.verdict import Verdict, failed, judge, passed, problems
from milvus_conformance.contract.spec import envelope_validator
from milvus_conformance.harness.runner import observation
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.model import Status

PASSWORD = "Aa1!bcdefg"        # valid under every profile (10 characters, 4 classes)
OTHER_PASSWORD = "Bb2@hijklmn"  # valid under every profile, different from PASSWORD


# ---- verdicts ---------------------------------------------------------------------------------------
def conclude(record, verdict: Verdict, active: Expectation | None, reply=None) -> None:
    expected = {"kind": active.kind, **(active.spec or {})} if active is not None else None
    record.conclude(verdict, expected=expected,
                    observed=observation(reply) if reply is not None else None)


# ---- envelopes of the sibling routes (data is a list there, not an object) -------------------------
def _problems(exp: Expectation, reply, schema: str | None) -> list[str]:
    if schema is None or exp.kind != "ok" or exp.surface != "rest":
        return problems(exp, reply)
    out = [p for p in (rest_checks.check_status(exp, reply), rest_checks.check_content_type(exp, reply),
                       rest_checks.check_code(exp, reply)) if p]
    if exp.spec.get("content_type") == "json" and exp.spec.get("code") == 0:   # the schemas say 0
        errors = list(envelope_validator(schema).iter_errors(reply.json))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "body"
            out.append(f"not a {schema}: {where}: {errors[0].message}; body {reply.text[:160]!r}")
    return out


def judge_schema(reply, active: Expectation, docs: Expectation | None, schema: str) -> Verdict:
    """`judge` for a success whose body is validated against `schema` (specs/openapi.yaml) instead of
    the create's SuccessEnvelope; refusals are judged exactly as `judge` does."""
    if active.kind != "ok":
        return judge(reply, active, docs)
    mine = _problems(active, reply, schema)
    theirs = _problems(docs, reply, schema) if docs is not None and docs.covered else None
    if not mine:
        if theirs:
            source = "; ".join(active.sources) or f"profile expects {active.describe()}"
            return Verdict(Status.KNOWN_DEVIATION, f"known deviation: {source} | the docs expect "
                           f"{docs.describe()}, seen: {'; '.join(theirs)}", theirs, source)
        return passed(f"as expected: {active.describe()} ({schema})")
    return Verdict(Status.FAIL, f"expected {active.describe()} ({schema}): {'; '.join(mine)}", mine)


# ---- creates sent any way -----------------------------------------------------------------------------
# ---- authentication ------------------------------------------------------------------------------
# After a drop or a password change a server may still accept the old credentials for a moment
# (observed on Milvus 2.3.5: up to ~50 ms, about 1 in 6 drops - its proxy's credential cache). A
# refusal that is expected is therefore polled for this long before it counts as missing.
SETTLE_S = 2.0


def rest_login(rest, user: str, password: str):
    """A request made with `user:password` that needs no privilege: describing the user itself."""
    REDACTOR.add_credentials(user, password)
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
                       settle: bool = False) -> Verdict:
    """REST: with the right password the answer is not the auth_failed outcome; with a wrong one it
    is exactly that outcome. `settle`: the credentials changed a moment ago (see SETTLE_S)."""
    failed_exp = runner.expectations("rest", "auth_failed", "auth_failed")
    replies = []

    def accepted() -> bool:
        replies.append(rest_login(rest, user, password))
        return bool(problems(failed_exp[0], replies[-1]))
    if not should:
        _until(accepted, False, settle)
        return judge(replies[-1], *failed_exp)
    if not _until(accepted, True, settle):
        return failed(f"{user!r} did not authenticate with its password: HTTP {replies[-1].status} "
                      f"code {replies[-1].code!r}")
    return passed(f"{user!r} authenticates with its password")


def authenticates(runner, surface: str, user: str, password: str, should: bool,
                  settle: bool = False) -> Verdict:
    """Whether `user:password` authenticates (REST: the answer is not auth_failed; SDK: a connection
    opens), as `should` says."""
    if surface == "rest":
        return rest_authenticates(runner, runner.client("rest"), user, password, should, settle)
    sdk = runner.client(surface)
    does = _until(lambda: sdk.can_authenticate(user, password), should, settle)
    if does == should:
        return passed(f"{user!r} {'connects' if does else 'cannot connect'} with that password")
    return failed(f"{user!r} {'connects' if does else 'cannot connect'} with "
                  f"{'a wrong or dropped' if does else 'its'} password")


@contextmanager
def sdk_as(run_context, record, user: str, password: str):
    """An SdkClient (both styles) holding `user:password` instead of the suite's token."""
    from milvus_conformance.clients.sdk import SdkClient

    REDACTOR.add_credentials(user, password)
    client = SdkClient(run_context.grpc_uri, f"{user}:{password}", recorder=record, tls=run_context.tls)
    try:
        yield client
    finally:
        client.close()


def admin_credentials(run_context) -> tuple[str, str] | None:
    """The suite's token as (user, password), or None for an API key."""
    user, sep, password = (run_context.token or "").partition(":")
    return (user, password) if sep and user and password else None
