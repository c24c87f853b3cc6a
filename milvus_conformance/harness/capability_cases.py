"""Cases against a target that lacks user operations (issue 21): before a case's fixtures run, a case
whose operation is missing on its surface ends as `not implemented` (a conformance failure, with the
reason), and every other case on a surface that lacks any user operation is skipped with it (the
suite's own create, list and drop around each case would fail)."""

from __future__ import annotations

import pytest

from milvus_conformance.harness.capabilities import OPERATIONS, SURFACE_TITLE, Capabilities
from milvus_conformance.harness.keys import CONTEXT
from milvus_conformance.harness.recorder import surface_of
from milvus_conformance.harness.skip_kinds import SKIP_STATUS, not_applicable, not_implemented
from milvus_conformance.results.surfaces import Surface


NOT_GIVEN = {
    "rest": "no REST base URL given (--base-url): REST surface not tested",
    "sdk": "no gRPC URI given (--grpc-uri): SDK surface not tested",
}


def case_surfaces(item) -> list[str]:
    surface = surface_of(item)[0]
    return ["rest", "sdk"] if surface is Surface.BOTH else [surface.value]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    ctx = item.config.stash.get(CONTEXT, None)
    if ctx is None or not item.nodeid.startswith("tests/") or not ctx.capabilities:
        return
    if SKIP_STATUS in item.stash:  # left out by choice (the tier): stays so
        return
    caps = Capabilities.from_dict(ctx.capabilities)
    marker = item.get_closest_marker("operation")
    operation = marker.args[0] if marker else "users/create"
    surfaces = case_surfaces(item)
    given = {"rest": bool(ctx.base_url), "sdk": bool(ctx.grpc_uri)}
    for surface in surfaces:
        if not given[surface]:
            not_applicable(NOT_GIVEN[surface])
    admin = "sdk" if given["sdk"] else "rest"  # the suite's own bookkeeping (run_context.admin_ops)
    for surface in surfaces:
        reason = caps.lacks(surface, operation)
        if reason:
            not_implemented(f"{operation} is not implemented on the {SURFACE_TITLE[surface]} surface ({reason})")
    for surface in dict.fromkeys([*surfaces, admin]):
        if caps.blocked(surface):
            needed = next(op for op in OPERATIONS if caps.lacks(surface, op))
            pytest.skip(
                f"not checked: the suite needs {needed}, which is not implemented on the "
                f"{SURFACE_TITLE[surface]} surface ({caps.lacks(surface, needed)})"
            )
