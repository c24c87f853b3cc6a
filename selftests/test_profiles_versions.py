"""Version-ranged profile values: parsing, every boundary named in issue #12, resolution without a
version, and profile files given by path (a new patch range is YAML only)."""

import textwrap

import pytest

from milvus_conformance.contract.profiles import available_profiles, load_profile
from milvus_conformance.contract.rules import predict_create
from milvus_conformance.contract.versions import VersionRange, parse_version
from milvus_conformance.errors import ConfigError, ExitStatus

V = parse_version


@pytest.mark.parametrize(
    "text,release,prerelease",
    [
        ("v2.5.12", "2.5.12", False),
        ("2.5.3", "2.5.3", False),
        ("v2.3.5-lite", "2.3.5", False),  # a build flavour, not a pre-release
        ("v2.5.4-12-gdeadbeef", "2.5.4", False),  # git describe after the tag
        ("v3.0.0-beta", "3.0.0-beta", True),
        ("v3.0-beta", "3.0.0-beta", True),
        ("v2.6.0-rc1", "2.6.0-rc1", True),
    ],
)
def test_parse_version(text, release, prerelease):
    version = V(text)
    assert str(version) == release and version.is_prerelease is prerelease


@pytest.mark.parametrize("text", ["", None, "unknown", "latest", "2", "v.5.1"])
def test_unparsable_versions_are_none(text):
    assert V(text) is None


def test_ordering_and_same_release():
    assert V("2.5.3") < V("2.5.4") and V("2.4.2") < V("2.4.3") and V("2.4.17") < V("2.4.18")
    assert V("2.5.4-rc1") < V("2.5.4") and V("2.5.3") < V("2.5.4-rc1")
    assert V("2.3.5").same_release(V("v2.3.5-lite")) and not V("2.5.3").same_release(V("2.5.4"))


def test_ranges_are_inclusive():
    r = VersionRange(V("2.4.0"), V("2.4.2"))
    assert r.contains(V("2.4.0")) and r.contains(V("2.4.2")) and not r.contains(V("2.4.3"))
    assert VersionRange(None, V("2.5.3")).overlaps(VersionRange(V("2.5.3"), None))
    assert not VersionRange(None, V("2.5.3")).overlaps(VersionRange(V("2.5.4"), None))


# ---- the boundaries of the new facts (CF sections 3, 4, 7) ---------------------------------------
@pytest.mark.parametrize(
    "profile,version,key,value",
    [
        ("milvus-2.5", "2.5.3", "rest.outcome.timeout", {"status": 408, "code": None, "content_type": "text"}),
        ("milvus-2.5", "2.5.4", "rest.outcome.timeout", {"status": 408, "code": 10001, "content_type": "json"}),
        ("milvus-2.6", "2.6.3", "rest.outcome.timeout", {"status": 408, "code": 10001, "content_type": "json"}),
        ("milvus-2.4", "2.4.9", "rest.outcome.timeout", {"status": 408, "code": None, "content_type": "text"}),
        ("milvus-2.4", "2.4.0", "rest.success_code", 200),
        ("milvus-2.4", "2.4.2", "rest.success_code", 200),
        ("milvus-2.4", "2.4.3", "rest.success_code", 0),
        ("milvus-2.4", "2.4.17", "password.over_max_kind", "bcrypt_error"),
        ("milvus-2.4", "2.4.18", "password.over_max_kind", "invalid_value"),
        ("milvus-2.4", "2.4.17", "password.validation_max", 256),
        ("milvus-2.4", "2.4.18", "password.validation_max", None),
        ("milvus-2.6", "2.6.17", "user_name.extra_chars", None),  # first release UNCONFIRMED
        ("milvus-2.6", "2.6.18", "user_name.extra_chars", ".-"),
        ("milvus-3.0-dev", "3.0.0-beta", "user_name.extra_chars", ".-"),
        ("milvus-3.0-dev", "3.0.0-beta", "user.description", "stored"),
        ("milvus-2.6", "2.6.18", "user.description", "ignored"),
        ("milvus-2.4", "2.4.23", "rest.request_timeout.shared", True),
        ("milvus-2.5", "2.5.8", "rest.request_timeout.shared", True),
        ("milvus-2.5", "2.5.9", "rest.request_timeout.shared", False),
    ],
)
def test_boundaries(profile, version, key, value):
    assert load_profile(profile, V(version))[key] == value


@pytest.mark.parametrize("version,kind", [("2.4.17", "bcrypt_error"), ("2.4.18", "invalid_value")])
def test_password_over_72_bytes_by_patch_release(version, kind):
    assert predict_create(load_profile("milvus-2.4", V(version)), "abc", "a" * 73, "rest").kind == kind
    assert predict_create(load_profile("milvus-2.4", V(version)), "abc", "a" * 72, "rest").kind == "ok"


def test_a_deviation_cites_the_entry_that_applied_with_its_range():
    cite = load_profile("milvus-2.5", V("2.5.4")).get("rest.outcome.timeout").cite()
    assert "milvus-2.5 2.5.4.." in cite and "CF section 7" in cite
    assert "..2.5.3" in load_profile("milvus-2.5", V("2.5.3")).get("rest.outcome.timeout").cite()


def test_without_a_version_disagreeing_entries_are_not_covered():
    timeout = load_profile("milvus-2.5").get("rest.outcome.timeout")
    assert timeout.value is None and timeout.unresolved and "depends on the server version" in timeout.source
    assert load_profile("milvus-2.4")["rest.success_code"] is None


def test_entries_outside_the_profiles_series_do_not_make_it_version_dependent():
    """The 2.4.0-2.4.2 success code is no reason to leave a 2.5 run's success code open."""
    assert load_profile("milvus-2.5")["rest.success_code"] == 0
    assert load_profile("milvus-2.5").version_dependent_keys() == [
        "rest.outcome.timeout",
        "rest.request_timeout.shared",
    ]


def test_a_version_no_entry_covers_is_not_covered():
    value = load_profile("milvus-2.4", V("2.3.9")).get("rest.success_code")
    assert value.value is None and value.unresolved and "no entry for v2.3.9" in value.source


def test_embedded_does_not_depend_on_the_reported_version():
    """One fixed target (the 2.5.4+ gateway over 2.3.5): its 2.3.5 version must not pick 2.4-era
    entries of milvus-2.x for the gateway's behaviour."""
    emb = load_profile("embedded")
    assert emb.version_dependent_keys() == []
    at_reported = emb.at(V("v2.3.5-lite"))
    assert all(at_reported[k] == emb[k] for k in emb.keys())
    assert at_reported["rest.success_code"] == 0 and at_reported["rest.outcome.timeout"]["code"] == 10001


@pytest.mark.parametrize("name", available_profiles())
def test_every_entry_has_a_source(name):
    for key in load_profile(name).keys():
        for entry in load_profile(name).definition(key).entries:
            assert entry.source.strip(), f"{name}:{key} {entry.range} has no source"


def test_at_most_one_profile_claims_a_version():
    for text in ("2.4.0", "2.4.23", "2.5.0-rc1", "2.5.4", "2.6.18", "3.0.0-beta", "3.0.0", "2.3.5"):
        claims = [n for n in available_profiles() if load_profile(n).auto.matches(V(text))]
        assert len(claims) <= 1, (text, claims)


# ---- profile files by path: a new patch range is YAML only ---------------------------------------
def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_profile_file_path_extending_a_builtin_with_a_new_range(tmp_path):
    path = _write(
        tmp_path,
        "mine.yaml",
        """\
        name: mine
        extends: milvus-2.5
        values:
          rest.outcome.timeout:
            - {until: 2.5.3, value: {status: 408, code: null, content_type: text}, source: "CF 7"}
            - {since: 2.5.4, until: 2.5.9, value: {status: 408, code: 10001, content_type: json}, source: "CF 7"}
            - {since: 2.5.10, value: {status: 408, code: 10002, content_type: json}, source: "a new patch row"}
        """,
    )
    assert load_profile(str(path), V("2.5.9"))["rest.outcome.timeout"]["code"] == 10001
    assert load_profile(str(path), V("2.5.10"))["rest.outcome.timeout"]["code"] == 10002
    assert load_profile(str(path)).name == "mine"
    assert load_profile(str(path))["user_name.max_length"] == 32  # from milvus-2.4


def test_extends_by_relative_path(tmp_path):
    _write(tmp_path, "base.yaml", "extends: documented\nvalues:\n  users.max_count: {value: 7, source: s}\n")
    child = _write(tmp_path, "child.yaml", "extends: ./base.yaml\nvalues: {}\n")
    assert load_profile(str(child))["users.max_count"] == 7


@pytest.mark.parametrize(
    "values,match",
    [
        ("users.max_count: [{since: 2.5.0, value: 1, source: s}, {since: 2.5.3, value: 2, source: s}]", "overlapping"),
        ("users.max_count: [{since: 2.5.4, until: 2.5.3, value: 1, source: s}]", "before"),
        ("users.max_count: [{since: 2.5, value: 1, source: s}]", "not a version"),
        ("users.max_count: [{since: 2.5.0, value: 1}]", "needs both"),
        ("users.max_count: [{from: 2.5.0, value: 1, source: s}]", "unknown fields"),
        ("users.max_count: []", "empty"),
    ],
)
def test_malformed_entries_are_config_errors(tmp_path, values, match):
    path = _write(tmp_path, "bad.yaml", f"values:\n  {values}\n")
    with pytest.raises(ConfigError, match=match) as info:
        load_profile(str(path))
    assert info.value.exit_status == ExitStatus.CONFIGURATION and "\n" not in str(info.value)


def test_extends_in_a_circle_and_missing_files_are_config_errors(tmp_path):
    _write(tmp_path, "a.yaml", "extends: ./b.yaml\nvalues: {}\n")
    _write(tmp_path, "b.yaml", "extends: ./a.yaml\nvalues: {}\n")
    with pytest.raises(ConfigError, match="circle"):
        load_profile(str(tmp_path / "a.yaml"))
    with pytest.raises(ConfigError, match="not found"):
        load_profile(str(tmp_path / "missing.yaml"))


@pytest.mark.parametrize(
    "profile,version,sent",
    [
        ("milvus-2.4", "2.4.23", False),
        ("milvus-2.5", "2.5.8", False),
        ("milvus-2.5", None, False),
        ("milvus-2.5", "2.5.9", True),
        ("embedded", None, True),
        ("documented", None, True),
    ],
)
def test_generated_cases_send_request_timeout_only_where_it_is_per_request(profile, version, sent):
    """Up to about 2.5.8 the header changes the timeout of every client's requests on the route
    (CF section 7): a generated 0 would make a production cluster's creates time out."""
    from milvus_conformance.fuzz.schema import REQUEST_TIMEOUT_REF, shaped_spec

    spec = shaped_spec(load_profile(profile, V(version) if version else None))
    refs = [p.get("$ref") for p in spec["paths"]["/v2/vectordb/users/create"]["post"]["parameters"]]
    assert (REQUEST_TIMEOUT_REF in refs) is sent


def test_a_file_extending_a_family_keeps_its_scope(tmp_path):
    """A discovered profile that extends milvus-2.5 is a 2.5 profile too: the 2.4.0-2.4.2 success
    code does not leave its success code open without a version, and it claims nothing for auto."""
    path = _write(tmp_path, "found.yaml", "extends: milvus-2.5\nvalues: {}\n")
    found = load_profile(str(path))
    assert found["rest.success_code"] == 0 and found.auto.series == ()


def test_auto_series_must_be_major_minor(tmp_path):
    path = _write(tmp_path, "bad.yaml", "auto: {series: '2.5.1'}\nvalues: {}\n")
    with pytest.raises(ConfigError, match="major.minor"):
        load_profile(str(path))


@pytest.mark.parametrize("version,code", [("2.4.2", 200), ("2.4.3", 0)])
def test_the_success_expectation_follows_the_patch_release(version, code):
    from milvus_conformance.checks.expectations import expect

    assert expect(load_profile("milvus-2.4", V(version)), "ok", "rest").spec["code"] == code


def test_an_open_success_code_is_not_covered():
    from milvus_conformance.checks.expectations import expect

    exp = expect(load_profile("milvus-2.4"), "ok", "rest")
    assert not exp.covered and "depends on the server version" in exp.sources[-1]


@pytest.mark.parametrize(
    "profile,version,stored",
    [
        ("milvus-2.6", "2.6.18", ("abc",)),  # CF section 7: stored trimmed
        ("embedded", None, (" abc ",)),  # observed on 2.3.5: listed as given
        ("milvus-2.5", "2.5.4", (" abc ", "abc")),  # not said: either is accepted
        ("documented", None, (" abc ",)),  # not trimmed at all (refused)
    ],
)
def test_the_name_a_trimmed_create_is_listed_under(profile, version, stored):
    from milvus_conformance.contract.rules import stored_names

    assert stored_names(load_profile(profile, V(version) if version else None), " abc ") == stored
