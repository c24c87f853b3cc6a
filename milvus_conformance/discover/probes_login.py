"""Does a password work after the create accepted it? A user created with the longest accepted
password must log in with it, and not with that password one byte short: a server that decodes,
cuts or pads passwords passes every envelope check and still locks its users out (CF section 7:
early REST v2 base64-decoded passwords). Adds what it saw to `password.max_length`'s evidence."""

from __future__ import annotations

import time

from milvus_conformance.discover.findings import Findings
from milvus_conformance.discover.outcome import rest_shape
from milvus_conformance.discover.probes_password import Limits, password_of
from milvus_conformance.discover.session import Session
from milvus_conformance.redact import REDACTOR

SETTLE_S = 2.0  # a proxy's credential cache may lag a create (observed on 2.3.5: ~50 ms)


def probe_login(s: Session, f: Findings, limits: Limits) -> None:
    """After probe_rest (it needs the auth failure's shape), with authorization enabled."""
    refused = f.value("rest.outcome.auth_failed")
    if limits.high is None or refused is None:
        return
    n = limits.high
    name, password = s.name(), password_of(n)
    if not s.rest_create(name, password, keep=True).accepted:
        f.note("password.max_length", f"a second create with a {n}-byte password was refused")
        return
    try:
        full = _logs_in(s, name, password, refused, want=True)
        short = _logs_in(s, name, password[:-1], refused, want=False)
    finally:
        s.drop(name)
    if full and not short:
        text = f"a user created with a {n}-byte password logs in with it, not with its first {n - 1} bytes"
    elif full:
        text = f"WARNING: a user created with a {n}-byte password also logs in with its first {n - 1} bytes"
    else:
        text = f"WARNING: a user created with a {n}-byte password cannot log in with it"
    f.note("password.max_length", text)


def _logs_in(s: Session, user: str, password: str, refused: dict, want: bool) -> bool:
    """REST: describing oneself with `user:password` is not the auth failure (polled while it
    disagrees with `want`, for the credential cache)."""
    REDACTOR.add_credentials(user, password)
    started = time.monotonic()
    while True:
        reply = s.rest.describe_user(user, token=f"{user}:{password}")
        ok = rest_shape(reply) != refused
        if ok == want or time.monotonic() - started > SETTLE_S:
            return ok
        time.sleep(0.05)
