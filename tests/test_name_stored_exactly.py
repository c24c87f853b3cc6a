"""A name is stored exactly as sent, or refused whole (USER-NAME-STORED-EXACTLY; S000/S001 "creates
a new user"; CF sections 4 and 7), on REST and both SDK styles: every row of the name table
(tests/tables/names.py, control characters included) is created, and one listing before and one after
each batch of creates verify them all: after an accepted create the listing holds exactly the name
sent (or the form the profile says the server stores), and no other new name derived from it; after a
refused create neither the name nor any part of it (a prefix cut at a control character, the name
trimmed, case-folded, normalised or stripped of its forbidden characters) was listed.

Whether a row is accepted is the name cases' question (tests/test_create_name.py); here only what
the listing shows is judged. New names that are not derived from a name sent in the batch (another
worker's users), and those another case of this run holds (cases run ahead beside it), are ignored."""

import unicodedata

import pytest

from milvus_conformance.checks.verdict import Verdict, combine, failed, passed
from milvus_conformance.contract.rules import NAME_BODY, stored_names
from milvus_conformance.harness.scenarios import NotCovered
from milvus_conformance.results.surfaces import CHANNELS
from tests.support import PASSWORD
from tests.tables.names import NAME_ROWS

MIN_FRAGMENT = 3  # a new name this short is not taken as a part of a name sent
BATCH = 6  # creates between two listings: few, so that it runs beside other cases within the budget
BUDGET_SHARE = 4  # and at most a quarter of --max-users: its three cases, waiting for room, never hold it all


def _derived(sent: str) -> set[str]:
    """What a server that does not store names exactly could have made of `sent`."""
    cut = next((i for i, c in enumerate(sent) if unicodedata.category(c) == "Cc"), None)
    forms = {
        sent.strip(),
        sent.lower(),
        sent.upper(),
        sent.casefold(),
        "".join(c for c in sent if c in NAME_BODY),
        "".join(c for c in sent if not c.isspace()),
        "".join(c for c in sent if unicodedata.category(c) != "Cc"),
        *(unicodedata.normalize(f, sent) for f in ("NFC", "NFKC")),
    }
    if cut is not None:
        forms.add(sent[:cut])
    return {f for f in forms if f and f != sent}


def _part_of(new: str, sent: str) -> bool:
    return new != sent and (new in _derived(sent) or (len(new) >= MIN_FRAGMENT and new in sent))


def _judge(sent: str, accepted: bool, stored: tuple[str, ...], new: set[str], taken: set[str]) -> Verdict:
    """`taken`: the names the batch's accepted creates may be listed under."""
    parts = sorted(n for n in new - taken if _part_of(n, sent))
    label = f"{sent!r} ({'accepted' if accepted else 'refused'})"
    if accepted and not any(s in new for s in stored):
        return failed(
            f"{label}: not listed as sent ({' or '.join(map(repr, stored))}); new names derived from it: {parts}"
        )
    if not accepted and sent in new:
        return failed(f"{label}: the refused name is listed")
    if parts:
        return failed(f"{label}: a part or another form of it is listed: {parts}")
    return passed(f"{label}: stored exactly")


def _inputs(profile, users) -> list[tuple[str, bool]]:
    """The name table's names; not the rows of an exact name (e.g. one character): another worker's
    case may create the same name between the two listings."""
    out = []
    for row in NAME_ROWS:
        if row.exact:
            continue
        try:
            name = row.build(profile, users)
        except NotCovered:
            continue
        if isinstance(name, str) and name:
            out.append((name, row.exact))
    return out


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.requirement("USER-NAME-STORED-EXACTLY")
def test_names_are_stored_exactly_or_refused_whole(channel, runner, profile, users, record):
    inputs, checks, last = _inputs(profile, users), [], None
    batch = max(1, min(BATCH, users.ledger.max_alive // BUDGET_SHARE))
    for start in range(0, len(inputs), batch):
        chunk = inputs[start : start + batch]
        before = set(runner.client(channel).user_names())
        done = []
        for name, exact in chunk:
            last, ok = runner.raw_create(channel, name, PASSWORD, exact)
            done.append((name, ok))
        after = set(runner.client(channel).user_names())
        new = after - before - (users.ledger.held() - {name for name, _ in chunk})
        accepted = {s for name, ok in done if ok for s in stored_names(profile, name)}
        for name, ok in done:
            checks.append(_judge(name, ok, stored_names(profile, name), new, accepted))
        for extra in sorted(
            n for n in new - accepted if n.startswith(users.ledger.prefix) and any(_part_of(n, s) for s, _ in done)
        ):
            users.before_create(extra)  # made by a create of ours: ours to drop
            users.after_create(extra, True)
        users.cleanup()
    runner.end(combine(*checks), runner.expectations(channel, "ok", None)[0], last)
