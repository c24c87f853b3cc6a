"""The one surface vocabulary: a case's surface and SDK style come from its parameters and markers
(harness/recorder.py `surface_of`), never from parsing its node ID; Channel ties them together."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from milvus_conformance.harness.recorder import surface_of
from milvus_conformance.results.surfaces import CHANNELS, SDK_STYLES, Channel, SdkStyle, Surface


@dataclass
class CallSpec:
    params: dict
    id: str


@dataclass
class Item:
    nodeid: str
    callspec: CallSpec | None = None
    markers: dict = field(default_factory=dict)

    def get_closest_marker(self, name):
        return self.markers.get(name)


def _item(base: str, **params) -> Item:
    ident = "-".join(str(v) for v in params.values())
    return Item(f"{base}[{ident}]", CallSpec(params, ident))


def test_channels_are_a_surface_and_a_style():
    assert [(c.surface, c.style) for c in CHANNELS] == [
        (Surface.REST, None),
        (Surface.SDK, SdkStyle.UTILITY),
        (Surface.SDK, SdkStyle.CLIENT),
    ]
    assert all(Channel.of(c.surface, c.style) is c for c in CHANNELS)
    assert Channel.of(Surface.BOTH, None) is None and Channel.of(Surface.SDK, None) is None
    assert [Channel.sdk(s) for s in SDK_STYLES] == [Channel.SDK_UTILITY, Channel.SDK_CLIENT]
    assert [str(c) for c in CHANNELS] == ["rest", "sdk-utility", "sdk-client"]  # the pytest IDs


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"row": "max-length", "surface": Channel.SDK_CLIENT}, (Surface.SDK, SdkStyle.CLIENT, "[max-length]")),
        ({"surface": Channel.REST, "row": "rest-like-row"}, (Surface.REST, None, "[rest-like-row]")),
        ({"row": "a", "surface": Channel.REST, "n": 3}, (Surface.REST, None, "[a-3]")),
        ({"surface": Channel.SDK_UTILITY}, (Surface.SDK, SdkStyle.UTILITY, "[]")),
        ({"row": "duplicate", "style": SdkStyle.CLIENT}, (Surface.SDK, SdkStyle.CLIENT, "[duplicate]")),
    ],
)
def test_surface_style_and_scenario_from_the_parameters(params, expected):
    surface, style, scenario = surface_of(_item("t.py::f", **params))
    assert (surface, style, scenario) == (expected[0], expected[1], "t.py::f" + expected[2])


def test_the_marker_when_no_parameter_says_and_both_when_nothing_does():
    marked = Item(
        "t.py::g[rest-ish-name]",
        CallSpec({"path": "rest-ish-name"}, "rest-ish-name"),
        {"surface": pytest.mark.surface("sdk").mark},
    )
    assert surface_of(marked) == (Surface.SDK, None, "t.py::g[rest-ish-name]")
    assert surface_of(Item("t.py::test_rest_thing")) == (Surface.BOTH, None, "t.py::test_rest_thing")
