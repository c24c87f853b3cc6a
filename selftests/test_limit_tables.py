"""The length-limit and near-miss tables (tests/tables/limits.py, near_misses.py) do what they claim,
under every profile, without a server: each row is exactly limit+offset units long in the limit's
unit; each end's three rows pin the limit (the predicted outcome changes between the limit and one
beyond it, and only there); each multibyte trio tells the units apart (counted in the other unit,
some row lands on the other side of the limit, and counted in UTF-16 code units for the 4-byte
input); and every near miss differs from the password."""

import pytest

from milvus_conformance.contract.profiles import available_profiles, load_profile
from milvus_conformance.contract.rules import length_in, limit_unit, predict_create
from milvus_conformance.harness.scenarios import NotCovered
from tests.tables.limits import NAME_LIMIT_ROWS, PASSWORD_LIMIT_ROWS
from tests.tables.near_misses import ACCEPTED_PASSWORD_ROWS, near_misses

OTHER_UNIT = {"bytes": "characters", "characters": "bytes"}
PROFILES = available_profiles()
LIMIT_KEYS = ("user_name.max_length", "password.min_length", "password.max_length", "password.validation_max")


class _Names:
    """The part of UserScope a name builder uses."""

    def name(self, length=None, tag=""):
        base = "cfabcdef_" + tag
        return base + "x" * (length - len(base)) if length else base + "12345678"


def _built(rows, profile):
    out = []
    for row in rows:
        try:
            out.append((row, row.build(profile, _Names())))
        except NotCovered:
            continue
    return out


def _within(key: str, length: int, limit: int) -> bool:
    return length >= limit if key == "password.min_length" else length <= limit


def _trios(rows, profile):
    """{(key, pad name): {offset: text}} of the rows this profile covers."""
    trios: dict = {}
    for row, text in _built(rows, profile):
        trios.setdefault((row.data.key, row.data.pad.name), {})[row.data.offset] = text
    return trios


@pytest.mark.parametrize("name", PROFILES)
def test_each_row_is_exactly_its_length_in_its_unit(name):
    profile = load_profile(name)
    built = _built(PASSWORD_LIMIT_ROWS + NAME_LIMIT_ROWS, profile)
    if all(profile[key] is None for key in LIMIT_KEYS):
        pytest.skip(f"{name} knows no length limit (e.g. zilliz-cloud: all UNCONFIRMED)")
    assert built, f"{name}: no limit row is covered"
    for row, text in built:
        key, pad = row.data.key, row.data.pad
        unit = limit_unit(profile, key)
        assert length_in(unit, text) == profile[key] + row.data.offset, row.name
        assert (pad.char in text) if pad.wide else text.isascii(), row.name


@pytest.mark.parametrize("name", PROFILES)
def test_each_end_pins_its_limit(name):
    """The outcome at the limit is the outcome inside, and differs from the one just beyond."""
    profile = load_profile(name)
    for (key, pad), texts in _trios(PASSWORD_LIMIT_ROWS, profile).items():
        assert set(texts) == {-1, 0, 1}, (key, pad)
        kind = {o: predict_create(profile, "abc", t, "rest").kind for o, t in texts.items()}
        beyond, inside = (-1, 1) if key == "password.min_length" else (1, -1)
        assert kind[0] == kind[inside] != kind[beyond], (name, key, pad, kind)


@pytest.mark.parametrize("name", PROFILES)
def test_each_multibyte_trio_tells_the_units_apart(name):
    profile = load_profile(name)
    for (key, pad), texts in _trios(PASSWORD_LIMIT_ROWS, profile).items():
        unit, limit = limit_unit(profile, key), profile[key]
        flips = [
            o
            for o, t in texts.items()
            if _within(key, length_in(unit, t), limit) != _within(key, length_in(OTHER_UNIT[unit], t), limit)
        ]
        if pad == "ascii":
            assert not flips, (key, "ASCII counts the same in either unit")
        else:
            assert flips, f"{name}: {key} with {pad} input counts the same in bytes and characters"
        if unit == "characters" and pad == "4-byte":  # a server counting UTF-16 code units
            assert any(
                _within(key, len(t.encode("utf-16-le")) // 2, limit) != _within(key, len(t), limit)
                for t in texts.values()
            ), (name, key)


@pytest.mark.parametrize("name", PROFILES)
def test_every_near_miss_differs_and_every_password_is_accepted(name):
    profile = load_profile(name)
    unit = profile["password.length_unit"]
    built = _built(ACCEPTED_PASSWORD_ROWS, profile)
    if any(profile[key] is None for key in ("password.length_unit", "password.min_length", "password.max_length")):
        pytest.skip(f"{name} does not state the password's length limits")
    assert len(built) == len(ACCEPTED_PASSWORD_ROWS), f"{name}: an accepted-password row is not covered"
    for row, password in built:
        assert predict_create(profile, "abc", password, "rest").kind == "ok", (name, row.name)
        misses = near_misses(password, unit)
        assert {"last-changed", "without-last", "leading-half", "one-more"} <= {m.name for m in misses}
        for miss in misses:
            assert miss.text != password and miss.text, (row.name, miss.name)
            if miss.name in ("last-changed", "last-case-flipped"):
                assert length_in("bytes", miss.text) == length_in("bytes", password), miss.name
