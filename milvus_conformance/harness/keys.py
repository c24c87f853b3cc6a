"""Where the run's objects live on pytest's config stash: shared by the plugin and the fixtures, so
that neither imports the other."""

from __future__ import annotations

import pytest

from milvus_conformance.harness.collector import Collector
from milvus_conformance.harness.run_context import RunContext
from milvus_conformance.results.model import RunResult

CONTEXT = pytest.StashKey[RunContext]()
COLLECTOR = pytest.StashKey[Collector]()
RUN_RESULT = pytest.StashKey[RunResult]()
# --jobs N: the run-ahead engine (harness/run_ahead.Engine; named, not imported: run_ahead imports the fixtures)
ENGINE = pytest.StashKey["Engine"]()
# the generated cases built once the cases are collected (fuzz/pregenerate.Pregenerated; harness/pregeneration.py)
PREGENERATED = pytest.StashKey["Pregenerated"]()
