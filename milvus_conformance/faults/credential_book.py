"""What a credential fault remembers of the users it saw go through its proxy, and the credential
arithmetic the REST and SDK credential faults share (faults/credential_faults.py): each user's
current password, the passwords it had before (replaced by update_password, or its last one at a
drop), and how a login layer that is not exact would match a name or cut a password.

The book lives in the proxy's context (`ctx.state`, under `ctx.lock`): one per proxy and fault run."""

from __future__ import annotations

import base64
import binascii
import unicodedata
from dataclasses import dataclass, field

KEY = "credential_book"
WHITESPACE_AND_NUL = " \t\n\r\v\f\x00"


@dataclass
class CredentialBook:
    current: dict[str, str] = field(default_factory=dict)  # user -> its password now
    former: dict[str, set[str]] = field(default_factory=dict)  # user -> passwords it had before
    dropped: dict[str, str] = field(default_factory=dict)  # user -> its password at the drop

    def created(self, user: str, password: str) -> None:
        self.current[user] = password

    def updated(self, user: str, old: str, new: str) -> None:
        self.former.setdefault(user, set()).add(self.current.get(user, old))
        self.current[user] = new

    def dropped_user(self, user: str) -> None:
        if user in self.current:
            password = self.current.pop(user)
            self.former.setdefault(user, set()).add(password)
            self.dropped[user] = password

    def stale(self, user: str, password: str) -> bool:
        """A password `user` had before and has no longer (a cache that was not invalidated)."""
        return password in self.former.get(user, ()) and self.current.get(user) != password

    def folded_match(self, user: str) -> str | None:
        """The existing user a login layer that trims, stops at NUL and folds case would take
        `user` for, when `user` itself names nobody."""
        if user in self.current:
            return None
        key = fold(user)
        return next((known for known in self.current if fold(known) == key), None)


def book(ctx) -> CredentialBook:
    """The context's book (made on first use: dict.setdefault is atomic); callers hold `ctx.lock`
    while they read or change it."""
    return ctx.state.setdefault(KEY, CredentialBook())


def fold(name: str) -> str:
    return name.split("\x00", 1)[0].strip(WHITESPACE_AND_NUL).casefold()


# ---- how a careless server treats a password ------------------------------------------------------
def cut_at_nul(password: str, ctx=None) -> str:
    """C-string code: the password ends at its first NUL."""
    return password.split("\x00", 1)[0]


def trimmed(password: str, ctx=None) -> str:
    return password.strip(WHITESPACE_AND_NUL)


def nfkc(password: str, ctx=None) -> str:
    return unicodedata.normalize("NFKC", password)


def has_control(name, ctx=None) -> bool:
    return isinstance(name, str) and any(unicodedata.category(c) == "Cc" for c in name)


def cut_at_control(name: str, ctx=None) -> str:
    return next((name[:i] for i, c in enumerate(name) if unicodedata.category(c) == "Cc"), name)


# ---- credentials as they travel ---------------------------------------------------------------------
def split_token(token: str) -> tuple[str, str] | None:
    user, colon, password = token.partition(":")
    return (user, password) if colon and user else None


def from_authorization(value: str | None) -> tuple[str, str] | None:
    """(user, password) of an HTTP Authorization header as the proxy received it (latin-1 text of
    the raw bytes): a Bearer user:password token or Basic credentials."""
    scheme, _, rest = (value or "").partition(" ")
    try:
        if scheme.lower() == "basic":
            return split_token(base64.b64decode(rest.strip(), validate=True).decode("utf-8"))
        if scheme == "Bearer":
            return split_token(rest.encode("latin-1").decode("utf-8"))
    except (binascii.Error, UnicodeError):
        return None
    return None


def basic_authorization(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def from_metadata(md: list) -> tuple[str, str] | None:
    """(user, password) of a gRPC call's authorization metadata (pymilvus: base64 of user:password)."""
    value = next((v for k, v in md if k == "authorization"), None)
    try:
        return split_token(base64.b64decode(value).decode("utf-8")) if value else None
    except (binascii.Error, UnicodeError):
        return None


def with_metadata_credentials(md: list, user: str, password: str) -> list:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return [(k, v) for k, v in md if k != "authorization"] + [("authorization", token)]
