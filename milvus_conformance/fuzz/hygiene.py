"""Hygiene for generated cases: no generated case leaves a user behind or touches a user this run
did not create.

Generated names carry no run prefix, so for every request of an operation that changes users
(create, drop, update_password) whose body names a user, under the locks of the names it names
(one lock file per stripe of names, so that requests naming other users go on side by side, in this
process's threads and in other runs on this host):

1. snapshot the users (the admin's `user_names()`);
2. guard: a body naming a user that exists and is not ours is not sent (the case is skipped);
3. journal every name the body could create with `exact=True` before the request (`will_create`,
   which also holds room for it in the run's user budget);
4. after the request, snapshot again: the names the body could create that appeared are ours
   (`created`), and are dropped right after the case's checks (`release`); names we owned that
   vanished were dropped by the request (`forget`).

A writing request whose body names no user cannot create or change one: it is sent without
snapshots (its facts say nothing could appear). Names are locked by their trimmed, case-folded
form, so that a server folding "Ab" into "ab" never sees both at once.

The facts (users before, names that appeared) are kept in `Hygiene.facts`, by case id, for the
checks of that request (fuzz/checks.py's `GeneratedChecks` reads the same dict). The module also holds the one reading of a request that both use: what the server's JSON
binding makes of the body bytes and its middleware of Request-Timeout (CF section 3).
"""

from __future__ import annotations

import fcntl
import json
import re
import threading
import zlib
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from milvus_conformance.contract.profiles import Profile
from milvus_conformance.contract.rules import Prediction, predict_create

GO_NOT_SPACE = "\x1c\x1d\x1e\x1f"  # Python's str.strip() removes these, Go's strings.TrimSpace does not
WRITERS = frozenset({"createUser", "dropUser", "updatePassword"})
STRIPES = 32  # lock files per host: names hashed into them (two names may share one: still safe)


@dataclass(frozen=True)
class Facts:
    """Users that existed before the request (ours included), and the names the body could create
    that exist after it (None: not observed)."""

    preexisting: frozenset = frozenset()
    appeared: frozenset | None = None


# ---- what the server makes of a request ---------------------------------------------------------
def predict_wire(profile: Profile, raw) -> tuple[Prediction, str | None]:
    """The create outcome for the bytes sent, bound as gin / Go encoding/json bind them: only the first
    JSON value is read; a wrong-typed field is a format error (1801) even when another is missing;
    `null` leaves a field unset; keys also match case-insensitively where the profile says so, the
    last non-null one winning. Returns the prediction and the userName the server sees."""
    text = (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw or "").lstrip(" \t\r\n")
    if not text:
        return Prediction("malformed_body", "empty body"), None
    try:
        doc, _ = json.JSONDecoder(object_pairs_hook=_Pairs, parse_constant=_no_constant).raw_decode(text)
    except ValueError:
        return Prediction("malformed_body", "not JSON"), None
    if doc is None:
        return Prediction("missing_field", "body is null"), None
    if not isinstance(doc, _Pairs):
        return Prediction("malformed_body", f"body is a {type(doc).__name__}, not an object"), None
    insensitive, values = profile["rest.keys_case_insensitive"], {}
    for key, value in doc:
        for name in ("userName", "password"):
            if key != name:
                if key.casefold() != name.casefold() or insensitive is False:
                    continue
                if insensitive is None:
                    return Prediction(None, f"{profile.name} does not say whether keys are case-insensitive"), None
            if value is not None and not isinstance(value, str):
                return Prediction("malformed_body", f"{name} is a {type(value).__name__}"), None
            if value is not None:
                values[name] = _go_string(value)
    user, password = values.get("userName"), values.get("password")
    if user and (user[0] in GO_NOT_SPACE or user[-1] in GO_NOT_SPACE):
        return Prediction(None, "Python and Go trim different characters"), user
    return predict_create(profile, user, password, "rest"), user


def timeout_outcome(profile, value, status) -> tuple[str | None, str]:
    """("body", why) when the body decides the outcome, (kind, why) when Request-Timeout decides it,
    (None, why) when the profile does not cover the value or a short deadline legitimately expired."""
    if value is None:
        return "body", ""
    text = value.strip(" \t")
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        kind = profile["rest.request_timeout.unparsable"]
        return ("body" if kind == "ok" else kind), f"unparsable Request-Timeout {value!r}"
    seconds = int(text)
    if seconds == 0:
        return profile["rest.request_timeout.zero"], "Request-Timeout: 0"
    if seconds < 0 or seconds > 10**6:  # UNCONFIRMED (CF section 3); huge values overflow in Go
        return None, ""
    return (None if seconds <= 5 and status == 408 else "body"), ""


class _Pairs(list):
    """A JSON object as its (key, value) pairs, in order (duplicates kept)."""


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def _go_string(value: str) -> str:
    """Go decodes a lone surrogate escape as U+FFFD."""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def candidate_names(body) -> set[str]:
    """Every user name a body could make the server create or change: the values of keys that match
    userName in any case, as sent and trimmed (an over-approximation, which is the safe side)."""
    if not isinstance(body, dict):
        return set()
    names = set()
    for key, value in body.items():
        if isinstance(key, str) and key.casefold() == "username" and isinstance(value, str):
            names |= {n for n in (_go_string(value), _go_string(value).strip()) if n}
    return names


def with_fresh_example_name(case, example: str, fresh) -> None:
    """A coverage case whose body keeps the spec's example user name (`example`) while it varies
    another field is sent with a name of the same kind from `fresh()` (the run's prefix, mixed case,
    valid everywhere) in its place. Otherwise every such case of every operation names the one user,
    and their requests go one after another (each under that name's lock, between two listings),
    or none is sent where somebody else has a user of that name. The examples phase sends the
    example as written."""
    body = case.body
    if case.meta is None or case.meta.phase.name.value != "coverage" or not isinstance(body, dict):
        return
    if body.get("userName") == example:
        case.body = {**body, "userName": fresh()}  # a new dict: generated cases may share one


# ---- the lock, the snapshots and the ledger -----------------------------------------------------
class Step:
    """One guarded request: the caller sends it, then calls `observe()` before running the checks."""

    def __init__(
        self, hygiene: "Hygiene", case, before: set[str], names: set[str], owned: set[str], writer: bool = True
    ):
        self.hygiene, self.case, self.before, self.names, self.owned = hygiene, case, before, names, owned
        self.writer = writer
        self.created: set[str] = set()
        self.observed = False
        hygiene.facts[case.id] = Facts(frozenset(before))

    def observe(self) -> None:
        ledger = self.hygiene.ledger
        self.observed = True
        if not self.writer:
            return
        after = set(ledger.user_names())
        self.created = {n for n in self.names if n in after and n not in self.before}
        for name in sorted(self.created):
            ledger.created(name, exact=True)
        for name in sorted((self.before - after) & self.names & self.owned):
            ledger.forget(name)  # the request dropped a user of ours
            self.owned.discard(name)
        self.hygiene.facts[self.case.id] = Facts(frozenset(self.before), frozenset(self.created))


class Hygiene:
    def __init__(self, ledger, lock_file: Path, critical=nullcontext):
        self.ledger = ledger
        self.critical = critical  # holds Ctrl-C from the snapshot until what was created is journaled
        self.facts: dict[str, Facts] = {}  # case.id -> Facts of the request in flight
        self.lock_file = Path(lock_file)
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)

    def stripe(self, name: str) -> Path:
        """The lock file of `name`: the same for its trimmed and case-folded forms, in every run."""
        key = zlib.crc32(name.strip().casefold().encode("utf-8", "surrogatepass")) % STRIPES
        return self.lock_file.with_name(f"{self.lock_file.name}.{key:02d}")

    @contextmanager
    def locked(self, names):
        """Hold the locks of `names` (in one order, so that two holders never wait for each other)."""
        with ExitStack() as stack:
            for path in sorted({self.stripe(n) for n in names}):
                f = stack.enter_context(path.open("a"))
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # released when the file closes
            yield

    @contextmanager
    def request(self, case, operation_id: str, owned: set[str] | None = None, keep: bool = False):
        """Guard one request. Yields a Step, or None when the case must not be sent. `owned`: users the
        caller already owns (a stateful scenario's); with `keep`, created users are added to it and
        kept alive (the caller releases them), otherwise they are dropped when the block ends."""
        owned = set() if owned is None else owned
        names = candidate_names(case.body) if operation_id in WRITERS else set()
        if not names:  # a reader, or a writer naming nobody: nothing can appear or vanish
            step = Step(self, case, set(), set(), owned, writer=False)
            if operation_id in WRITERS:
                self.facts[case.id] = Facts(appeared=frozenset())
            try:
                yield step
            finally:
                self.facts.pop(case.id, None)
            return
        # Ctrl-C is held in the main thread; a sender thread is waited for by the main thread instead
        held = self.critical() if threading.current_thread() is threading.main_thread() else nullcontext()
        with self.locked(names), held:
            before = set(self.ledger.user_names())
            if any(n in before and n not in owned for n in names):
                yield None  # it would touch a user this run did not create
                return
            new = sorted(names - before) if operation_id == "createUser" else []
            step = Step(self, case, before, names, owned)
            try:
                for name in new:  # reserved until created or unreserved; waits for room beside threads
                    self.ledger.will_create(name, exact=True, own=owned)
                yield step
            finally:
                try:
                    if not step.observed:
                        step.observe()  # also after a failed call: it may have created
                finally:
                    for name in new:
                        if name not in step.created:
                            self.ledger.unreserve(name)
                    self.facts.pop(case.id, None)
                    if keep:
                        owned |= step.created
                    else:
                        self.release(step.created)

    def release(self, names) -> None:
        """Drop them; the next snapshot (the next request's) verifies the drops."""
        for name in sorted(names):
            if name in self.ledger.owned:
                self.ledger.release(name, verify=False)
