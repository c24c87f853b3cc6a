"""userName: the maximum length in bytes, the characters accepted after the first and first, whether
surrounding spaces are trimmed (and which name is then stored), and case sensitivity. Probes go
through REST when the target has it, else the SDK (the server core decides both)."""

from __future__ import annotations

import string

from milvus_conformance.discover.findings import Findings
from milvus_conformance.discover.outcome import describe
from milvus_conformance.discover.search import highest_true
from milvus_conformance.discover.session import PASSWORD, Session

NAME_START, NAME_LIMIT = 16, 1024  # bytes; 16 holds the run prefix plus a random part
NON_ASCII = ("é", "ß", "Ω", "中", "😀")
BODY_CANDIDATES = tuple(string.punctuation) + (" ",) + NON_ASCII
FIRST_CANDIDATES = ("1", "_") + NON_ASCII[:1]


def probe_names(s: Session, f: Findings) -> None:
    _max_length(s, f)
    accepted = _body_chars(s, f)
    _first_chars(s, f, accepted)
    _trimming(s, f)
    _case(s, f)


def _max_length(s: Session, f: Findings) -> None:
    seen = {}

    def accepts(n: int) -> bool:
        seen[n] = s.create(s.name(n), PASSWORD)
        return seen[n].accepted

    edge = highest_true(accepts, NAME_START, NAME_LIMIT)
    key = "user_name.max_length"
    if edge.held is None:
        f.unknown(
            key,
            f"a userName of {NAME_START} bytes (the shortest with the run prefix) was "
            f"refused: {describe(seen[NAME_START].shape)}",
        )
    elif edge.failed is None:
        f.unknown(key, f"userNames up to {NAME_LIMIT} bytes accepted ({_stored_as_sent(s, 64)}): no maximum found")
    else:
        f.found(
            key,
            edge.held,
            f"userName of {edge.held} bytes accepted, {edge.failed} bytes -> "
            f"{describe(seen[edge.failed].shape)} ({len(seen)} creates)",
        )


def _stored_as_sent(s: Session, nbytes: int) -> str:
    name = s.name(nbytes)
    if not s.create(name, PASSWORD, keep=True).accepted:
        return f"a {nbytes}-byte name was refused on a second try"
    stored = s.stored()
    s.drop(name)
    if name in stored:
        return f"a {nbytes}-byte name is stored as sent"
    cut = sorted(n for n in stored if name.startswith(n))
    s.sweep_prefixed()
    return (
        f"a {nbytes}-byte name is stored cut to {len(cut[0])} bytes"
        if cut
        else f"a {nbytes}-byte name is stored under another name"
    )


def _body_chars(s: Session, f: Findings) -> str:
    accepted, refusal = [], None
    for c in BODY_CANDIDATES:
        attempt = s.create(s.name(16, middle="x" + c), PASSWORD)
        if attempt.accepted:
            accepted.append(c)
        elif refusal is None:
            refusal = attempt.shape
    extra = "".join(c for c in accepted if c != "_")
    refused = "" if refusal is None else f"; the others -> {describe(refusal)}"
    f.found(
        "user_name.extra_chars",
        extra,
        f"a userName with each of {len(BODY_CANDIDATES)} characters after the first (printable "
        f"ASCII punctuation, a space, {' '.join(NON_ASCII)}): accepted {''.join(accepted)!r}{refused}",
    )
    return extra


def _first_chars(s: Session, f: Findings, extra: str) -> None:
    candidates = list(dict.fromkeys(FIRST_CANDIDATES + tuple(c for c in extra if c != " ")))
    accepted, refusal = [], None
    for c in candidates:
        attempt = s.create(s.name(16, first=c), PASSWORD)
        if attempt.accepted:
            accepted.append(c)
        elif refusal is None:
            refusal = attempt.shape
    if s.rest is not None and refusal is not None:
        f.found(
            "rest.outcome.invalid_value", refusal, f"userName starting with {candidates[0]!r} -> {describe(refusal)}"
        )
    refused = "" if refusal is None else f"; the others -> {describe(refusal)}"
    f.found(
        "user_name.first_chars",
        "".join(accepted),
        f"a userName starting with each of {''.join(candidates)!r} (an ASCII letter always "
        f"first elsewhere): accepted {''.join(accepted)!r}{refused}",
    )


def _trimming(s: Session, f: Findings) -> None:
    name = s.name(16)
    spaced = f" {name} "
    attempt = s.create(spaced, PASSWORD, keep=True)
    key = "user_name.trims_spaces"
    if not attempt.accepted:
        f.found(key, False, f"userName with a leading and a trailing space -> {describe(attempt.shape)}")
        f.unknown("user_name.stored_trimmed", "a userName with surrounding spaces is refused")
        return
    stored = s.stored()
    kept = "the trimmed name" if name in stored else "with its spaces" if spaced in stored else "under another name"
    f.found(key, True, f"userName with a leading and a trailing space accepted, stored {kept}")
    if name in stored or spaced in stored:
        f.found("user_name.stored_trimmed", name in stored, f"' {name} ' accepted, stored {kept}")
    else:
        f.unknown("user_name.stored_trimmed", f"' {name} ' accepted, stored {kept}")
    s.ledger.created(name)
    s.drop(name)
    s.drop(spaced)


def _case(s: Session, f: Findings) -> None:
    mixed = s.name(16, middle="Mx")
    lower = mixed.lower()
    key = "user_name.case_sensitive"
    first = s.create(mixed, PASSWORD, keep=True)
    if not first.accepted:
        f.unknown(key, f"a mixed-case userName was refused: {describe(first.shape)}")
        return
    folded = mixed not in s.stored()
    second = s.create(lower, PASSWORD, keep=True)
    s.ledger.created(lower)
    s.drop(mixed)
    s.drop(lower)
    if folded:
        f.found(key, False, "a mixed-case userName is stored lower-cased")
    elif second.accepted:
        f.found(key, True, "a mixed-case userName and its lower-case form are two users")
    else:
        f.found(key, False, f"the lower-case form of an existing mixed-case userName -> {describe(second.shape)}")
