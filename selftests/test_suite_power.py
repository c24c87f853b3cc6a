"""The suite's power, against one real target (`embedded_endpoints`, selftests/conftest.py): the
gate tier passes through the fault proxy with no fault, and kills every fault of the catalogue - each
shown as its own test, killed by a case that cites the fault's requirement.

Cost: one session fixture runs the clean runs and then only the selected faults, JOBS side by side,
each running only the cases that cite its requirement (see faults/killrate_runner.py). The kill-rate
views are written to .conformance/reports-power/ (killrate.md, killrate.json).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.faults import killrate_runner
from milvus_conformance.faults.catalogue import AWAITING_CASE, all_faults
from milvus_conformance.reports.killrate import write

FAULTS = all_faults()
pytestmark = pytest.mark.power  # `make check-power`; `make selftests` leaves it out
REPORTS = Path(os.environ.get("CONFORMANCE_POWER_REPORTS", REPO_ROOT / ".conformance" / "reports-power"))
# faults side by side: each run spends most of its time starting up and waiting on the server, so a
# third one at once shortens the whole (measured on a loaded 2-core machine)
JOBS = int(os.environ.get("CONFORMANCE_POWER_JOBS", "3"))


def _selected_faults(session) -> list:
    wanted = {
        item.callspec.params["fault"]
        for item in session.items
        if item.module.__name__ == __name__ and hasattr(item, "callspec") and "fault" in item.callspec.params
    }
    return [f for f in FAULTS if f.name in wanted]


@pytest.fixture(scope="session")
def power(embedded_endpoints, request, tmp_path_factory):
    """The clean runs, then every selected fault once: {fault name: FaultOutcome}."""
    ep = killrate_runner.Endpoints(embedded_endpoints.base_url, embedded_endpoints.grpc_uri, embedded_endpoints.token)
    own = not os.environ.get("MILVUS_GRPC_ADDRESS")  # a server of our own may be filled to its cap
    kr = killrate_runner.KillRate(ep, fill=own, work=tmp_path_factory.mktemp("killrate"))
    faults, started = _selected_faults(request.session), time.monotonic()
    try:  # each suite run forked from one warm process (faults/fork_server.py)
        kr.prepare(killrate_runner.grpc_requirements(faults))
        outcomes = kr.run_all(faults, jobs=JOBS)
    finally:
        kr.close()
    write(kr.result(outcomes, time.monotonic() - started), REPORTS)
    return kr, {r.name: r for r in outcomes}


def _tail(path: str, lines: int = 25) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def test_clean_run_conforms(power):
    kr, _ = power
    clean = kr.clean
    assert clean.exit_status == 0, (
        f"the gate tier through the fault proxy (no fault) exited {clean.exit_status}; not passing: "
        f"{clean.not_passing}\n{_tail(clean.log)}"
    )


def _param(name: str):
    """A fault no case of this suite can kill yet is expected to survive - strictly: once a case
    kills it, this fails until the fault leaves AWAITING_CASE."""
    if name not in AWAITING_CASE:
        return name
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=f"awaiting {AWAITING_CASE[name]}"))


@pytest.mark.parametrize("fault", [_param(f.name) for f in FAULTS])
def test_fault_is_killed(power, fault):
    _, results = power
    r = results[fault]
    if r.status == "not_applicable":
        pytest.skip(r.note)
    assert r.status == "killed", (
        f"{fault} ({r.description}) survived: no case citing {r.requirement} failed "
        f"({r.selected} cases ran; failing requirements: {r.failed_requirements or 'none'}; {r.note})"
    )
    assert r.killed_by and all("::" in case for case in r.killed_by)
