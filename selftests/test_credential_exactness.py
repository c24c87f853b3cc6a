"""The pieces of issue 20's checks that need no server: the password-byte table and its near misses,
what a Bearer header can carry, the credential book the credential faults keep, and the parity
view's fact lines."""

import unicodedata

import pytest

from milvus_conformance.faults import credential_book as cb
from milvus_conformance.reports.parity import render_parity_md, transport_facts
from milvus_conformance.results.model import CaseResult, RunResult, Status, Target
from milvus_conformance.results.surfaces import Channel, Surface
from tests.tables.login_names import LOGIN_NAME_ROWS
from tests.tables.password_bytes import PASSWORD_BYTE_ROWS, bearer_carries, byte_near_misses


class _Profile:
    name = "test"

    def __getitem__(self, key):
        return {"password.length_unit": "bytes", "password.max_length": 72}[key]


@pytest.mark.parametrize("row", PASSWORD_BYTE_ROWS, ids=lambda r: r.name)
def test_every_password_has_distinct_near_misses_that_are_not_itself(row):
    password = row.build(_Profile(), None)
    misses = byte_near_misses(password, "bytes")
    texts = [m.text for m in misses]
    assert misses and password not in texts and "" not in texts and len(texts) == len(set(texts))


def test_near_misses_include_what_careless_servers_make_of_a_password():
    names = lambda p: {m.name: m.text for m in byte_near_misses(p, "bytes")}  # noqa: E731
    assert names(" Aa1!bcdefg ")["trimmed"] == "Aa1!bcdefg"
    assert names("Aa1!bc\x00defg")["cut-at-first-control"] == "Aa1!bc"
    assert names("Aa1!bc\ufb01defg")["unicode-NFKC"] == "Aa1!bcfidefg"
    assert names("Aa1!bcde\u0301fg")["unicode-NFC"] == unicodedata.normalize("NFC", "Aa1!bcde\u0301fg")
    assert names("Aa1!bcdefg")["one-letter-case-flipped"] == "aa1!bcdefg"
    assert names("Aa1" + "!?")["without-special-3f"] == "Aa1!"


def test_the_longest_row_is_exactly_the_maximum_and_holds_every_kind_of_byte():
    longest = next(r for r in PASSWORD_BYTE_ROWS if r.name == "longest-mixed").build(_Profile(), None)
    assert len(longest.encode()) == 72
    assert {" ", "\t", "\x00", "!", "\u00e9"} <= set(longest)


@pytest.mark.parametrize(
    "password, carried",
    [
        ("Aa1!bcdefg", True),
        (" Aa1!bcdefg", True),
        ("Aa1!bcdefg ", False),
        ("Aa1!bc\x00defg", False),
        ("Aa1!bc\tdefg", False),
        ("Aa1!bcd\u00e9fg", True),
    ],
)
def test_what_a_bearer_header_can_carry(password, carried):
    assert bearer_carries(password) is carried


def test_every_login_name_variant_differs_from_the_name():
    name = "cfabc123_IdCaseXyz12345"
    variants = [row.data.variant(name) for row in LOGIN_NAME_ROWS]
    assert name not in variants and len(set(variants)) == len(variants)


def test_the_credential_book_knows_stale_passwords_and_folded_names():
    book = cb.CredentialBook()
    book.created("Alice_1", "first")
    book.updated("Alice_1", "first", "second")
    assert book.stale("Alice_1", "first") and not book.stale("Alice_1", "second")
    assert book.folded_match(" alice_1\x00") == "Alice_1" and book.folded_match("Alice_1") is None
    book.dropped_user("Alice_1")
    assert book.stale("Alice_1", "second") and book.dropped == {"Alice_1": "second"}
    book.created("Alice_1", "third")
    assert book.stale("Alice_1", "first") and not book.stale("Alice_1", "third")


def test_credentials_are_read_from_bearer_basic_and_grpc_metadata():
    assert cb.from_authorization("Bearer u:p:q") == ("u", "p:q")
    assert cb.from_authorization(cb.basic_authorization("u", "p \x00")) == ("u", "p \x00")
    assert cb.from_metadata(cb.with_metadata_credentials([("x", "1")], "u", "p\n")) == ("u", "p\n")
    assert cb.cut_at_control("ab\ncd") == "ab" and cb.cut_at_nul("ab\x00cd") == "ab"


OBSERVED = {
    Surface.REST: {"status": 200, "body": {"code": 0}, "accepted": True},  # accepted on both
    Surface.SDK: {"raised": None, "code": None, "returned": "None", "accepted": True},
}


def test_a_fact_is_shown_once_in_the_parity_view_and_is_not_a_disagreement():
    fact = "a user whose password ends in whitespace can never log in with a Bearer token"
    cases = [
        CaseResult(
            f"t.py::f[{c}]",
            "f",
            ["USER-PASSWORD-BYTES"],
            c.surface,
            "users/create",
            Status.PASS,
            observed={**OBSERVED[c.surface], "facts": [fact]},
            style=c.style,
            scenario="t.py::f",
        )
        for c in (Channel.REST, Channel.SDK_CLIENT)
    ]
    run = RunResult("r", Target("u", "g", "embedded", True), "0", "1", "t0", "t1", [], cases)
    assert transport_facts(run) == [fact]
    text = render_parity_md(run)
    assert text.count(fact) == 1 and "1 scenario ran on both surfaces, 0 disagree" in text
