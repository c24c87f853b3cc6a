"""When the run builds its generated cases ahead (fuzz/pregenerate.py), in the session start:

- the embedded target: before its start is awaited (its Milvus takes about 2 s, the build 0.6 s),
  from the profile its release will be given (the release's version standing for the one the
  server reports);
- any target: once the profile is chosen, unless the cases built before were built from it.

Only in the process that runs the cases (not an xdist controller, which runs none; its workers
build their own as before), and only when the REST surface is given (generated cases need it).
The fixture hands them to the FuzzTarget. A build that fails is left to the cases, which meet the
same failure where it is reported as theirs.
"""

from __future__ import annotations

import pytest

from milvus_conformance.contract.selection import choose_profile
from milvus_conformance.fuzz.pregenerate import Inputs, Pregenerated
from milvus_conformance.fuzz.schema import FuzzSettings
from milvus_conformance.target.embedded.releases import embedded_profile

PREGENERATED = pytest.StashKey[Pregenerated]()


def _runs_cases_here(config) -> bool:
    return not (getattr(config.option, "numprocesses", None) or config.option.collectonly)


def _settings(ctx) -> FuzzSettings:
    return FuzzSettings.of(ctx.config.tier, ctx.run_id, ctx.config.fuzz)


def before_start(config, ctx) -> None:
    """The embedded target's cases, from its release's profile, while it starts."""
    c = ctx.config
    if not (c.embedded and _runs_cases_here(config)):
        return
    try:
        profile = choose_profile(
            c.profile,
            embedded=True,
            given_version=c.server_version or None,
            reported_version=f"v{c.embedded_version}",
            embedded_profile=embedded_profile(c.embedded_version, c.embedded_standard_errors),
        ).load()
    except Exception:  # noqa: BLE001 - no prediction: built from the chosen profile instead
        return
    _build(config, ctx, profile)


def profile_chosen(config, ctx) -> None:
    """Once the profile is chosen: the cases, unless those built before are from it."""
    if not (ctx.base_url and _runs_cases_here(config)):
        return
    profile = ctx.profile()
    earlier = config.stash.get(PREGENERATED, None)
    if earlier is None or earlier.inputs != Inputs.of(profile, _settings(ctx), ctx.config.request_timeout):
        _build(config, ctx, profile)


def _build(config, ctx, profile) -> None:
    _quiet_hypothesis_initialization()
    try:
        config.stash[PREGENERATED] = Pregenerated.build(profile, _settings(ctx), ctx.config.request_timeout)
    except Exception:  # noqa: BLE001 - see the module's docstring
        if PREGENERATED in config.stash:
            del config.stash[PREGENERATED]


def _quiet_hypothesis_initialization() -> None:
    """Hypothesis warns about any generation before the session has started (a plugin slowing every
    pytest start by accident); this one is on purpose. The filter applies to that warning only,
    which Hypothesis never gives once the session has started."""
    import warnings

    from hypothesis.errors import HypothesisSideeffectWarning

    warnings.filterwarnings("ignore", category=HypothesisSideeffectWarning)
