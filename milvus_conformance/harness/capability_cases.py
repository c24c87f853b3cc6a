"""Cases against a target that lacks user operations (issue 21): before a case's fixtures run, a case
whose operation is missing on its surface ends as `not implemented` (a conformance failure, with the
reason), and every other case on a surface that lacks any user operation is skipped with it (the
suite's own create, list and drop around each case would fail)."""
from __future__ import annotations

import pytest

from milvus_conformance.harness.capabilities import OPERATIONS, SURFACE_TITLE, Capabilities
from milvus_conformance.harness.keys import CONTEXT
from milvus_conformance.harness.recorder import surface_of
from milvus_conformance.harness.skip_kinds import not_implemented
from milvus_conformance.results.surfaces import Surface


def case_surfaces(item, missing: dict) -> list[str]:
    surface = surface_of(item)[0]
    if surface is Surface.BOTH:
        return [s for s in ("rest", "sdk") if s in missing]
    return [surface.value]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    ctx = item.config.stash.get(CONTEXT, None)
    if ctx is None or not item.nodeid.startswith("tests/") or not ctx.capabilities:
        return
    caps = Capabilities.from_dict(ctx.capabilities)
    marker = item.get_closest_marker("operation")
    operation = marker.args[0] if marker else "users/create"
    surfaces = case_surfaces(item, caps.missing)
    for surface in surfaces:
        reason = caps.lacks(surface, operation)
        if reason:
            not_implemented(f"{operation} is not implemented on the {SURFACE_TITLE[surface]} "
                            f"surface ({reason})")
    for surface in surfaces:
        if caps.blocked(surface):
            needed = next(op for op in OPERATIONS if caps.lacks(surface, op))
            pytest.skip(f"not checked: the suite needs {needed}, which is not implemented on the "
                        f"{SURFACE_TITLE[surface]} surface ({caps.lacks(surface, needed)})")
