"""One discovery's connection to its target, and the only way its probes create users: every name
goes through the run's ledger (per-run prefix, write-ahead journal, budget of live users) and is
dropped right after its probe unless the probe keeps it; every request is counted."""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass
from typing import Any, Callable

from milvus_conformance.clients.rest import RestReply
from milvus_conformance.discover.outcome import rest_shape, sdk_shape
from milvus_conformance.errors import HarnessError
from milvus_conformance.harness.ledger import UserLedger

FILL_ALPHABET = string.ascii_lowercase + string.digits
PASSWORD = "Aa1!bcdefg"  # valid under every profile (10 characters, 4 classes)
LIST_SETTLE_S = 2.0


class RequestCounter:
    """A recorder for the clients (they hand it every exchange) that only counts."""

    def __init__(self) -> None:
        self.count = 0

    def add_exchange(self, exchange) -> None:
        self.count += 1


class CountingAdmin:
    """The ledger's admin operations, counted."""

    def __init__(self, admin, counter: RequestCounter):
        self._admin, self._counter = admin, counter

    def user_names(self) -> list[str]:
        self._counter.count += 1
        return self._admin.user_names()

    def drop_user(self, name: str) -> None:
        self._counter.count += 1
        self._admin.drop_user(name)


@dataclass
class Attempt:
    accepted: bool
    shape: dict | None  # rest_shape / sdk_shape of the answer (None: the SDK call returned)
    reply: Any


class Session:
    def __init__(self, rest, sdk, ledger: UserLedger, counter: RequestCounter, admin: CountingAdmin):
        self.rest, self.sdk, self.ledger = rest, sdk, ledger
        self.counter, self.admin = counter, admin
        self.ok: dict | None = None  # the REST shape of a success (set by `baseline`)
        self.started = time.monotonic()

    @property
    def requests(self) -> int:
        return self.counter.count

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    # ---- names ----------------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return self.ledger.prefix

    def name(self, nbytes: int = 16, middle: str = "", first: str = "") -> str:
        """`first` + prefix + `middle` + random letters and digits, `nbytes` UTF-8 bytes in all."""
        head = first + self.prefix + middle
        fill = nbytes - len(head.encode("utf-8"))
        if fill < 2:
            raise ValueError(f"a probe name cannot be {nbytes} bytes with {head!r}")
        return head + "".join(secrets.choice(FILL_ALPHABET) for _ in range(fill))

    # ---- creates --------------------------------------------------------------------------------
    def baseline(self) -> None:
        """A create valid under every profile: over REST its answer is what success looks like here."""
        name = self.name()
        self.ledger.will_create(name)
        if self.rest is not None:
            reply = self.rest.create_user(name, PASSWORD)
            answer = f"HTTP {reply.status} code {reply.code!r}"
        else:
            reply = self.sdk.create_user("utility", name, PASSWORD)
            answer = "returned" if reply.exception is None else f"raised {reply.raised}"
        self.ledger.created(name)  # a success is only known after the listing below
        if not self._listed(name):
            raise HarnessError(
                f"a create valid under every profile ({name!r}) did not create the user ({answer}): nothing to discover"
            )
        self.ok = rest_shape(reply) if self.rest is not None else None
        self.drop(name)

    def rest_send(self, names: list, send: Callable[[], RestReply], keep: bool = False) -> Attempt:
        """Journal every name `send` may create, send, and own (then drop) them if it succeeded."""
        for name in names:
            self.ledger.will_create(name)
        reply = send()
        shape = rest_shape(reply)
        accepted = self.ok is not None and (shape["status"], shape["code"]) == (self.ok["status"], self.ok["code"])
        if accepted:
            self._own(names, keep)
        return Attempt(accepted, shape, reply)

    def rest_create(self, name, password, keep: bool = False, **request_kw) -> Attempt:
        return self.rest_send([name], lambda: self.rest.create_user(name, password, **request_kw), keep)

    def sdk_create(self, name, password, keep: bool = False, client=None, style: str = "utility", **kw) -> Attempt:
        self.ledger.will_create(name)
        reply = (client or self.sdk).create_user(style, name, password, **kw)
        shape = sdk_shape(reply)
        if shape is None:
            self._own([name], keep)
        return Attempt(shape is None, shape, reply)

    def create(self, name, password, keep: bool = False) -> Attempt:
        """On REST when the target has it, else through the SDK (the server core decides both)."""
        if self.rest is not None:
            return self.rest_create(name, password, keep)
        return self.sdk_create(name, password, keep)

    def _own(self, names: list, keep: bool) -> None:
        for name in names:
            if isinstance(name, str) and name:
                self.ledger.created(name)
                if not keep:
                    self.drop(name)

    def _listed(self, name: str) -> bool:
        """Polled briefly: a cluster's listing may lag a create."""
        deadline = time.monotonic() + LIST_SETTLE_S
        while name not in self.stored():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    # ---- state ----------------------------------------------------------------------------------
    def drop(self, name: str) -> None:
        if name in self.ledger.owned:
            self.ledger.release(name, verify=False)  # checked by one listing in sweep_prefixed()

    def stored(self) -> set[str]:
        """The target's users that carry this run's prefix (stored names may differ from the sent
        ones: trimmed, case-folded or cut)."""
        return {n for n in self.admin.user_names() if self.prefix in n}

    def sweep_prefixed(self) -> list[str]:
        """Drop every user this run created, also those stored under another name than sent."""
        self.ledger.release_all()
        left = sorted(n for n in self.stored() if n not in self.ledger.protected)
        for name in left:
            self.ledger.created(name)
            self.ledger.release(name)
        return left
