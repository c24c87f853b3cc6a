"""The kill-rate runner's pytest plugin (`-p milvus_conformance.faults.killrate_plugin`), loaded in
each suite subprocess: CONFORMANCE_KILLRATE_DUMP=file gets {nodeid: requirement IDs} of the
collected cases; CONFORMANCE_KILLRATE_SELECT=file (JSON node IDs) deselects all others."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

DUMP_ENV, SELECT_ENV = "CONFORMANCE_KILLRATE_DUMP", "CONFORMANCE_KILLRATE_SELECT"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    cites = {i.nodeid: sorted({r for m in i.iter_markers("requirement") for r in m.args}) for i in items}
    if os.environ.get(DUMP_ENV):
        Path(os.environ[DUMP_ENV]).write_text(json.dumps(cites))
    if os.environ.get(SELECT_ENV):
        wanted = set(json.loads(Path(os.environ[SELECT_ENV]).read_text()))
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid not in wanted])
        items[:] = [i for i in items if i.nodeid in wanted]
