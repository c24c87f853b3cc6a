"""Every byte of every accepted password counts (USER-PASSWORD-BYTES; S000/S001 "creates a new user
with a corresponding password"; CF sections 4 and 8), on REST and both SDK styles: for a user created
with a password holding spaces, control characters, non-ASCII or special characters
(tests/tables/password_bytes.py), the exact password authenticates and none of its near misses
(trimmed, cut at the first control character, Unicode-normalised, a letter's case flipped, ...) does.

REST logins carry the password as HTTP Basic credentials, which carry any byte; the exact password is
also tried as a Bearer token where a header can carry it. Where it cannot (a password ending in
whitespace or holding a control character: CF section 8), that is recorded as a fact of the case
(shown in parity.md): such a user can never log in over REST with a Bearer token - not a failure."""

import pytest

from milvus_conformance.checks.verdict import combine, labelled
from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import CHANNELS, Channel
from tests.support import authenticates
from tests.tables.password_bytes import PASSWORD_BYTE_ROWS, bearer_carries, byte_near_misses

BEARER_FACT = (
    "a user whose password {what} can log in over REST only with HTTP Basic credentials "
    "(and over the SDK), never with a Bearer token: an HTTP header value cannot carry it "
    "(CF section 8)"
)


def _what(password: str) -> str:
    if password != password.rstrip(" \t"):
        return "ends in whitespace"
    return "holds a control character (NUL, tab, newline)"


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("row", params(PASSWORD_BYTE_ROWS))
def test_every_password_byte_counts(row, channel, runner, profile, users, record):
    password, name = row.make(profile, users), users.name()
    active, _ = runner.predicted(channel, name, password, row.depends_on)
    if active.kind != "ok":
        pytest.skip(f"profile {profile.name} does not accept this password ({active.describe()})")
    # Judged against the active profile: whether the docs accept it is the length and class cases'
    # question, not this one.
    created = runner.attempt(channel, name, password, expected=(active, None))
    checks, facts = [created.verdict], []
    basic = channel is Channel.REST
    if created.succeeded:
        # near misses first (see tests/test_password_significance.py: a cached successful login
        # must not answer for them)
        # An SDK login is the same on both styles (a connection of its own with the user's token):
        # the near misses are tried on MilvusClient's; on utility's, the exact password proves that
        # utility.create_user stored exactly what it was given.
        unit = profile["password.length_unit"]
        misses = byte_near_misses(password, unit) if channel is not Channel.SDK_UTILITY else []
        checks += [
            labelled(
                f"near miss {miss.name}", authenticates(runner, channel, name, miss.text, should=False, basic=basic)
            )
            for miss in misses
        ]
        checks.append(
            labelled("the exact password", authenticates(runner, channel, name, password, should=True, basic=basic))
        )
        if basic and bearer_carries(password):
            checks.append(
                labelled(
                    "the exact password as a Bearer token", authenticates(runner, channel, name, password, should=True)
                )
            )
        elif basic:
            facts.append(BEARER_FACT.format(what=_what(password)))
    runner.end(
        combine(*checks),
        active,
        observed={**runner.observe(created.reply).to_dict(), **({"facts": facts} if facts else {})},
    )
