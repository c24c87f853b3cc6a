"""Every character of an accepted password counts (S000/S001: "creates a new user with a
corresponding password"; USER-CREATE-SEMANTICS: it authenticates with exactly that password and
with no other), on REST and both SDK styles: for a user created with a password of the profile's
minimum, middle and maximum length (ASCII and multibyte; tests/tables/near_misses.py), the exact
password authenticates and none of its near misses does. Each login opens its own connection
(REST: a request with the user's token; SDK: a dedicated MilvusClient), so no cached session
answers for the server's comparison."""

import pytest

from milvus_conformance.checks.verdict import combine, labelled
from milvus_conformance.contract.rules import length_in
from milvus_conformance.harness.scenarios import params
from milvus_conformance.results.surfaces import CHANNELS
from tests.support import authenticates
from tests.tables.near_misses import ACCEPTED_PASSWORD_ROWS, near_misses


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("row", params(ACCEPTED_PASSWORD_ROWS))
def test_every_password_character_counts(row, channel, runner, profile, users, record):
    password, name = row.make(profile, users), users.name()
    unit = profile["password.length_unit"]
    active, _ = runner.predicted(channel, name, password)
    if active.kind != "ok":
        pytest.skip(f"profile {profile.name} does not accept this password ({active.describe()})")
    # Judged against the active profile only: whether the docs accept this length is the length
    # cases' question (USER-CREATE-PASSWORD-LENGTH), not this one.
    created = runner.attempt(channel, name, password, expected=(active, None))
    checks = [created.verdict]
    if created.succeeded:
        # Near misses first: a server that caches a successful login (Milvus's proxy keeps a SHA-256
        # of the password) would otherwise compare them with the cache instead of the stored hash;
        # and a server locking the user after failed logins then fails the exact password (seen)
        # instead of refusing the near misses for the lock (a pass that proves nothing).
        size = f"{length_in(unit, password)} {unit}"
        checks += [
            labelled(
                f"near miss {miss.name} of a {size} password",
                authenticates(runner, channel, name, miss.text, should=False),
            )
            for miss in near_misses(password, unit)
        ]
        checks.append(
            labelled(f"the exact password ({size})", authenticates(runner, channel, name, password, should=True))
        )
    runner.end(combine(*checks), active, created.reply)
