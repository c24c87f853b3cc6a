"""Settle samples from the cases to results.json: a case notes each sample on its pytest item
(`note`), the sample list travels in the call report's `user_properties` (so `-n 2` yields what a
serial run yields), and the controller's `SettleCollector` gathers them for the run's
`settle` record (results/settle.py)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from milvus_conformance.checks.settle import bound_of
from milvus_conformance.results.settle import SettleSample, SettleSummary

PROPERTY = "conformance-settle"
SAMPLES = pytest.StashKey[list]()
SETTLE_COLLECTOR = pytest.StashKey["SettleCollector"]()


def note(item, sample: SettleSample) -> None:
    """Record one settle sample of the running case (`item`: its pytest item, `Runner.item`)."""
    item.stash.setdefault(SAMPLES, []).append(sample)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    samples = item.stash.get(SAMPLES, None)
    if samples and report.when == "call":
        report.user_properties.append((PROPERTY, json.dumps([s.to_dict() for s in samples])))
    return report


class SettleCollector:
    """Controller side: every case's settle samples, in node-ID order at the end."""

    def __init__(self):
        self.samples: list[SettleSample] = []

    def pytest_runtest_logreport(self, report) -> None:
        for key, value in report.user_properties:
            if key == PROPERTY:
                self.samples += [replace(SettleSample.from_dict(d), case_id=report.nodeid) for d in json.loads(value)]

    def summary(self, profile) -> SettleSummary:
        bound = bound_of(profile) if profile is not None else None
        return SettleSummary(
            bound.seconds if bound else None,
            bound.source if bound else "",
            sorted(self.samples, key=lambda s: s.case_id),
        )


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        config.stash[SETTLE_COLLECTOR] = SettleCollector()
        config.pluginmanager.register(config.stash[SETTLE_COLLECTOR], "conformance-settle-collector")


def settle_record(config, ctx) -> dict:
    """results.json's `settle`: the bound of the run's profile and what the cases observed."""
    collector = config.stash.get(SETTLE_COLLECTOR, None)
    if collector is None:
        return {}
    try:
        profile = ctx.profile()
    except Exception:  # no profile (the run ended before preflight): the samples still count
        profile = None
    return collector.summary(profile).to_dict()
