"""A pytest plugin for a kill run (`-p milvus_conformance.faults.client_plugin`): applies the client
fault named by CONFORMANCE_CLIENT_FAULT (faults/client_faults.py; read through settings.py) for the
whole session. Without the variable it does nothing."""

from __future__ import annotations

import pytest

from milvus_conformance.faults.catalogue import by_name
from milvus_conformance.settings import environment

CLIENT_FAULT_ENV = "CONFORMANCE_CLIENT_FAULT"


def pytest_configure(config):
    name = environment(CLIENT_FAULT_ENV)
    if not name:
        return
    fault = by_name(name)
    if fault.layer != "client":
        raise pytest.UsageError(f"{name} is a {fault.layer} fault, not a client fault")
    patcher = pytest.MonkeyPatch()
    fault.patch(patcher)
    config.add_cleanup(patcher.undo)
