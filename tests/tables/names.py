"""userName rows: boundaries, first character, each forbidden character class, spaces.
Each builder gets (profile, users) and returns the userName to create with a valid password."""
from milvus_conformance.harness.scenarios import Row, need

MAX = "user_name.max_length"
FIRST, CHARSET, LENGTH = "USER-CREATE-NAME-FIRST-CHAR", "USER-CREATE-NAME-CHARSET", "USER-CREATE-NAME-LENGTH"


def _one_letter(profile, users):
    for letter in "QZXJKVWYqzxjkvwy":
        if users.ledger.claim_exact(letter):
            return letter
    raise RuntimeError("every candidate 1-character name is taken on the target")


def _inside(char):
    """A fresh name with `char` in the middle: only that character can make it invalid."""
    return lambda profile, users: users.name(tag="a" + char + "b")


NAME_ROWS = [
    Row("plain", (CHARSET,), lambda p, u: u.name()),
    Row("letters-digits-underscore", (CHARSET,), lambda p, u: "Ab_9" + u.name()),
    Row("uppercase-first", (FIRST,), lambda p, u: "Z" + u.name()),
    Row("one-character", (LENGTH,), _one_letter, exact=True),
    Row("max-length", (LENGTH,), lambda p, u: u.name(length=need(p, MAX)), depends_on=(MAX,)),
    Row("max-length-plus-one", (LENGTH,), lambda p, u: u.name(length=need(p, MAX) + 1),
        depends_on=(MAX,)),
    Row("very-long", (LENGTH,), lambda p, u: u.name(length=need(p, MAX) * 8), depends_on=(MAX,)),
    Row("empty", (LENGTH, "USER-CREATE-BODY-FIELDS"), lambda p, u: ""),
    Row("first-digit", (FIRST,), lambda p, u: "9" + u.name()),
    Row("first-underscore", (FIRST,), lambda p, u: "_" + u.name()),
    Row("first-non-ascii", (FIRST,), lambda p, u: "\u00e9" + u.name()),
    Row("with-space", (CHARSET,), _inside(" ")),
    Row("with-hyphen", (CHARSET,), _inside("-")),
    Row("with-dot", (CHARSET,), _inside(".")),
    Row("with-at", (CHARSET,), _inside("@")),
    Row("with-slash", (CHARSET,), _inside("/")),
    Row("with-non-ascii", (CHARSET,), _inside("\u00e9")),
    Row("with-emoji", (CHARSET,), _inside("\U0001f600")),
    Row("with-tab", (CHARSET,), _inside("\t")),
    Row("surrounding-spaces", (CHARSET,), lambda p, u: " " + u.name() + " "),
]
