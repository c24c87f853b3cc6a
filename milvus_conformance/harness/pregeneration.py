"""When the run builds its generated cases ahead (fuzz/pregenerate.py), always in the main thread:

- while the session start waits for the embedded target started early (the main thread only waits
  then; the build takes 0.6 s, Milvus about 0.85 s from its spawn), from the profile its release
  will be given (its version standing for the one the server reports);
- otherwise once the cases are collected, when a selected case uses the `fuzz` fixture (a run of
  `-k test_create_name` builds none), from the run's profile (chosen by then, in every process that
  runs cases: the only process, or each xdist worker), unless those built before are from it.

Only where cases run (not an xdist controller) and only when the REST surface is given (generated
cases need it). The fixture hands them to the FuzzTarget. A build that fails is left to the cases,
which meet the same failure where it is reported as theirs. Called by the plugin (harness/plugin.py).
"""

from __future__ import annotations

from milvus_conformance.fuzz.pregenerate import Inputs, Pregenerated
from milvus_conformance.fuzz.schema import FuzzSettings
from milvus_conformance.harness.keys import CONTEXT, PREGENERATED


def while_target_starts(config, ctx, prestart) -> None:
    """At the session start, before it waits for the embedded target started early."""
    c = ctx.config
    if not (c.embedded and prestart is not None and prestart.starting and _runs_cases_here(config)):
        return
    try:
        profile = ctx.predicted_profile()
    except Exception:  # noqa: BLE001 - no prediction: built once the cases are collected
        return
    _quiet_hypothesis_initialization()
    build(config, ctx, profile)


def after_collection(session) -> None:
    """Once the cases are collected (the plugin's pytest_collection_finish)."""
    config = session.config
    ctx = config.stash.get(CONTEXT, None)
    if ctx is None or not ctx.base_url or not _runs_cases_here(config):
        return
    if not any("fuzz" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    profile, earlier = ctx.profile(), config.stash.get(PREGENERATED, None)
    if earlier is None or earlier.inputs != Inputs.of(profile, _settings(ctx), ctx.config.request_timeout):
        build(config, ctx, profile)


def _runs_cases_here(config) -> bool:
    controller = bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")
    return not (controller or config.option.collectonly)


def _settings(ctx) -> FuzzSettings:
    return FuzzSettings.of(ctx.config.tier, ctx.run_id, ctx.config.fuzz)


def build(config, ctx, profile) -> None:
    try:
        config.stash[PREGENERATED] = Pregenerated.build(profile, _settings(ctx), ctx.config.request_timeout)
    except Exception:  # noqa: BLE001 - see the module's docstring
        return


def _quiet_hypothesis_initialization() -> None:
    """Hypothesis warns about any generation before the session has started (a plugin slowing every
    pytest start by accident); this one, during the session start, is on purpose. The filter applies
    to that warning only, which Hypothesis never gives once the session has started."""
    import warnings

    from hypothesis.errors import HypothesisSideeffectWarning

    warnings.filterwarnings("ignore", category=HypothesisSideeffectWarning)
