"""The kill-rate runner's pytest plugin (`-p milvus_conformance.faults.killrate_plugin`), loaded in
each suite subprocess: CONFORMANCE_KILLRATE_DUMP=file gets {nodeid: requirement IDs} of the
collected cases; CONFORMANCE_KILLRATE_SELECT=file (JSON node IDs) deselects all others (both read
through settings.py, whose `INTERNAL` table says what they mean)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from milvus_conformance.settings import environment

DUMP_ENV, SELECT_ENV = "CONFORMANCE_KILLRATE_DUMP", "CONFORMANCE_KILLRATE_SELECT"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    cites = {i.nodeid: sorted({r for m in i.iter_markers("requirement") for r in m.args}) for i in items}
    dump, select = environment(DUMP_ENV), environment(SELECT_ENV)
    if dump:
        Path(dump).write_text(json.dumps(cites))
    if select:
        wanted = set(json.loads(Path(select).read_text()))
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid not in wanted])
        items[:] = [i for i in items if i.nodeid in wanted]
