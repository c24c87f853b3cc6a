"""Inputs created once over REST and once over the SDK (utility) to compare the outcomes (S000 and
S001 document the same rules for the same operation). Each builder gets (profile, users) and returns
(userName, password) - called once per surface, so each surface gets a fresh name of the same shape.
`data`: `existing` - the name is created first (on the same surface), so the create is a duplicate."""
from milvus_conformance.harness.scenarios import Row, need
from tests.support import PASSWORD
from tests.tables.passwords import of_length

PARITY = "SURFACE-PARITY"
NAME_MAX = "user_name.max_length"


def _password(key, delta):
    def build(profile, users):
        unit = need(profile, "password.length_unit")
        return users.name(), of_length(need(profile, key) + delta, unit)
    return build


PARITY_ROWS = [
    Row("valid", (PARITY, "USER-CREATE-SEMANTICS"), lambda p, u: (u.name(), PASSWORD)),
    Row("name-first-char-digit", (PARITY, "USER-CREATE-NAME-FIRST-CHAR"),
        lambda p, u: ("9" + u.name(), PASSWORD)),
    Row("name-with-space", (PARITY, "USER-CREATE-NAME-CHARSET"),
        lambda p, u: (u.name(tag="a b"), PASSWORD)),
    Row("name-too-long", (PARITY, "USER-CREATE-NAME-LENGTH"),
        lambda p, u: (u.name(length=need(p, NAME_MAX) + 1), PASSWORD), depends_on=(NAME_MAX,)),
    Row("name-empty", (PARITY, "USER-CREATE-BODY-FIELDS"), lambda p, u: ("", PASSWORD)),
    Row("password-too-short", (PARITY, "USER-CREATE-PASSWORD-LENGTH"),
        _password("password.min_length", -1)),
    Row("password-over-max", (PARITY, "USER-CREATE-PASSWORD-LENGTH"),
        _password("password.max_length", 1)),
    Row("password-far-over-max", (PARITY, "USER-CREATE-PASSWORD-LENGTH"),
        lambda p, u: (u.name(), of_length(300, "bytes"))),
    Row("duplicate", (PARITY, "USER-CREATE-DUPLICATE"), lambda p, u: (u.name(), PASSWORD),
        data={"existing": True}),
]
