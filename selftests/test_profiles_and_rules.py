"""Profiles are complete data with sources; the rules predict the documented and observed outcomes."""

import pytest

from milvus_conformance.contract.profiles import available_profiles, documented, load_profile
from milvus_conformance.contract.rules import character_classes, deviation_citations, predict_create
from milvus_conformance.contract.versions import parse_version
from milvus_conformance.errors import ConfigError

EXPECTED_PROFILES = {
    "documented",
    "milvus-2.4",
    "milvus-2.5",
    "milvus-2.6",
    "milvus-3.0-dev",
    "embedded",
    "zilliz-cloud",
}


def test_every_expected_profile_exists():
    assert EXPECTED_PROFILES <= set(available_profiles())


@pytest.mark.parametrize("name", sorted(EXPECTED_PROFILES))
def test_profile_has_every_key_with_a_source(name):
    prof, base = load_profile(name), documented()
    assert prof.keys() == base.keys(), "every profile covers the same keys (null = not covered)"
    for key in prof.keys():
        assert prof.get(key).source.strip(), f"{name}:{key} has no source"


def test_unknown_profile_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown profile"):
        load_profile("milvus-9.9")


@pytest.mark.parametrize(
    "name,password,surface,kind",
    [
        ("milvusAdmin", "P@ssw0rd", "rest", "ok"),  # the docs' own example
        ("a", "P@ssw0rd", "rest", "ok"),
        ("1abc", "P@ssw0rd", "rest", "invalid_value"),
        ("_abc", "P@ssw0rd", "rest", "invalid_value"),
        ("ab-c", "P@ssw0rd", "rest", "invalid_value"),
        ("ab c", "P@ssw0rd", "rest", "invalid_value"),
        (" abc", "P@ssw0rd", "rest", "invalid_value"),  # docs: a space is not allowed
        ("abc", "Aa1!aaa", "rest", "invalid_value"),  # 7 characters
        ("abc", "Aa1!" + "a" * 60, "rest", "ok"),  # 64 characters
        ("abc", "Aa1!" + "a" * 61, "rest", "invalid_value"),  # 65 characters
        ("abc", "Aa1!" + "\u00e9" * 60, "rest", "ok"),  # 64 characters, 124 bytes
        ("abc", "abcdefgh12", "rest", "invalid_value"),  # two classes
        ("abc", "Abcdefgh12", "rest", "ok"),  # three classes
        ("", "P@ssw0rd", "rest", "missing_field"),
        ("", "P@ssw0rd", "sdk", "invalid_value"),  # pymilvus sends "" to the server
        (None, "P@ssw0rd", "sdk", "missing_field"),  # pymilvus ParamError
        (123, "P@ssw0rd", "rest", "malformed_body"),
    ],
)
def test_documented_rules(name, password, surface, kind):
    assert predict_create(documented(), name, password, surface).kind == kind


@pytest.mark.parametrize(
    "name,password,kind",
    [
        ("a" * 32, "abcdef", "ok"),  # observed on 2.3.5: 32 accepted, 6 bytes accepted
        ("a" * 33, "abcdef", "invalid_value"),
        (" abc ", "abcdef", "ok"),  # trimmed for validation
        ("abc", "abcde", "invalid_value"),  # 5 bytes
        ("abc", "a" * 72, "ok"),
        ("abc", "a" * 73, "bcrypt_error"),  # observed: 65535 from bcrypt
        ("abc", "a" * 257, "invalid_value"),  # observed: 1100 above 256
        ("abc", "\u00e9" * 37, "bcrypt_error"),  # 74 bytes
        ("abc", "abcdefgh", "ok"),  # no class rule
    ],
)
def test_embedded_rules_match_what_2_3_5_does(name, password, kind):
    assert predict_create(load_profile("embedded"), name, password, "sdk").kind == kind


def test_milvus_2_6_allows_dot_and_hyphen():
    # CF section 7: present in 2.6.18, first release UNCONFIRMED -> not covered before, nor unknown
    assert predict_create(load_profile("milvus-2.6", parse_version("2.6.18")), "a.b-c", "abcdefgh", "rest").kind == "ok"
    assert predict_create(load_profile("milvus-2.6", parse_version("2.6.17")), "a.b-c", "abcdefgh", "rest").kind is None
    assert predict_create(load_profile("milvus-2.6"), "a.b-c", "abcdefgh", "rest").kind is None
    assert predict_create(load_profile("milvus-2.5"), "a.b-c", "abcdefgh", "rest").kind == "invalid_value"


def test_character_classes():
    assert character_classes("Aa1!") == {"uppercase", "lowercase", "digit", "special"}
    assert character_classes("abc") == {"lowercase"}


def test_deviation_cites_only_the_deciding_value():
    emb, doc = load_profile("embedded"), documented()
    mine = predict_create(emb, "abc", "abcdefghij", "rest")
    docs = predict_create(doc, "abc", "abcdefghij", "rest")
    cites = deviation_citations(emb, mine, docs, doc)
    assert len(cites) == 1 and cites[0].startswith("password.min_classes=0")
