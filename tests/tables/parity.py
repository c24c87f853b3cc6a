"""Inputs created once over REST and once over the SDK (utility) to compare the outcomes (S000 and
S001 document the same rules for the same operation). Input: (userName, password) - built once per
surface, so each surface gets a fresh name of the same shape. Data: `ParityData`."""

from dataclasses import dataclass

from milvus_conformance.harness.scenarios import Row, need
from tests.support import PASSWORD
from tests.tables.passwords import of_length

NAME_MAX = "user_name.max_length"


@dataclass(frozen=True)
class ParityData:
    existing: bool = False  # the name is created first (on the same surface): a duplicate


PLAIN = ParityData()


def _password(key, delta):
    def build(profile, users):
        unit = need(profile, "password.length_unit")
        return users.name(), of_length(need(profile, key) + delta, unit)

    return build


PARITY_ROWS = [
    Row("valid", ("SURFACE-PARITY", "USER-CREATE-SEMANTICS"), lambda p, u: (u.name(), PASSWORD), data=PLAIN),
    Row(
        "name-first-char-digit",
        ("SURFACE-PARITY", "USER-CREATE-NAME-FIRST-CHAR"),
        lambda p, u: ("9" + u.name(), PASSWORD),
        data=PLAIN,
    ),
    Row(
        "name-with-space",
        ("SURFACE-PARITY", "USER-CREATE-NAME-CHARSET"),
        lambda p, u: (u.name(tag="a b"), PASSWORD),
        data=PLAIN,
    ),
    Row(
        "name-too-long",
        ("SURFACE-PARITY", "USER-CREATE-NAME-LENGTH"),
        lambda p, u: (u.name(length=need(p, NAME_MAX) + 1), PASSWORD),
        data=PLAIN,
        depends_on=(NAME_MAX,),
    ),
    Row("name-empty", ("SURFACE-PARITY", "USER-CREATE-BODY-FIELDS"), lambda p, u: ("", PASSWORD), data=PLAIN),
    Row(
        "password-too-short",
        ("SURFACE-PARITY", "USER-CREATE-PASSWORD-LENGTH"),
        _password("password.min_length", -1),
        data=PLAIN,
    ),
    Row(
        "password-over-max",
        ("SURFACE-PARITY", "USER-CREATE-PASSWORD-LENGTH"),
        _password("password.max_length", 1),
        data=PLAIN,
    ),
    Row(
        "password-far-over-max",
        ("SURFACE-PARITY", "USER-CREATE-PASSWORD-LENGTH"),
        lambda p, u: (u.name(), of_length(300, "bytes")),
        data=PLAIN,
    ),
    Row(
        "duplicate",
        ("SURFACE-PARITY", "USER-CREATE-DUPLICATE"),
        lambda p, u: (u.name(), PASSWORD),
        data=ParityData(existing=True),
    ),
]
