"""The early start's decision for each command line of a table, as pytest itself reads it: each row is
a real pytest Config parsed from its arguments (so harness/early.py is loaded from pyproject.toml's
addopts and decides), with the early start recorded instead of run. Used by test_prestart.py in a
process of its own (pytest is configured and signal handlers are installed once per row).

    python selftests/prestart_decisions.py < ROWS.json > DECISIONS.json
    python selftests/prestart_decisions.py --options > OPTIONS.json   (what each parser knows)
    ROWS.json: [{"args": [...], "env": {...}}, ...]; out: [{"plan": {...} | null, "reason": "..."}, ...]
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from _pytest.config import get_config  # noqa: E402

from milvus_conformance.harness import prestart_decision  # noqa: E402
from milvus_conformance.harness.prestart import Prestart  # noqa: E402


def decide(args: list[str], env: dict) -> dict:
    seen, begun = [], []
    real = prestart_decision.decide

    def recording(*a, **k):
        seen.append(real(*a, **k))
        return seen[-1]

    prestart_decision.decide = recording
    Prestart.begin = lambda self, plan: begun.append(plan)  # recorded, never started
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        config = get_config(list(args))
        try:
            config.parse(list(args))
        except BaseException:  # noqa: BLE001 - e.g. an unknown option: pytest's usage error, after the decision
            pass
        config._ensure_unconfigure()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        prestart_decision.decide = real
    decision = seen[0] if seen else None
    plan = decision.plan if decision else None
    assert (plan is None) == (not begun), "begun exactly when there is a plan"
    return {
        "plan": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(plan).items()} if plan else None,
        "reason": decision.reason if decision else "harness/early.py was not loaded",
    }


def option_strings(parser) -> list[str]:
    return sorted(s for action in parser.optparser._actions for s in action.option_strings)


def options() -> dict:
    """The option strings pytest knows once fully configured for a run of the suite, and those the
    early start's scratch parser knows."""
    at_early = get_config(["tests"])  # pytest's own plugins only, as when harness/early.py decides
    scratch = prestart_decision.scratch_parser(at_early.pluginmanager, None)
    config = get_config(["tests"])
    config.parse(["tests", "--co"])
    full = option_strings(config._parser)
    config._ensure_unconfigure()
    return {"full": full, "early": option_strings(scratch)}


def main() -> None:
    os.chdir(REPO)
    if sys.argv[1:] == ["--options"]:
        json.dump(options(), sys.stdout)
        return
    base = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_") and not k.startswith("PYTEST_")}
    rows = json.load(sys.stdin)
    json.dump([decide(row["args"], {**base, **row.get("env", {})}) for row in rows], sys.stdout)


if __name__ == "__main__":
    main()
