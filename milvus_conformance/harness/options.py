"""The suite's pytest options (one per harness/config.py OPTIONS and FLAGS entry, each backed by its
CONFORMANCE_* variable) and which command lines run the suite: shared by the plugin and by the
embedded target's early start (harness/prestart_decision.py), which reads a command line the same
way before the plugin is loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from milvus_conformance import REPO_ROOT
from milvus_conformance.harness import config as cfg

GROUP = ("conformance", "Milvus Create User conformance")
# The options the suite's other plugins register (harness/jobs_plugin.py, certify/plugin.py): what the
# early start needs to read a command line without importing them (seconds); option -> takes a value.
# selftests/test_prestart.py checks this against the options those plugins really register.
PLUGIN_OPTIONS = {"--jobs": True, "--certify": False}


def add_options(parser) -> None:
    """Register the suite's options on a pytest parser."""
    group = parser.getgroup(*GROUP)
    for name, (var, _default, help_text) in cfg.OPTIONS.items():
        group.addoption(
            f"--{name.replace('_', '-')}", dest=f"conformance_{name}", default=None, help=f"{help_text} [env {var}]"
        )
    for name, (var, help_text) in cfg.FLAGS.items():
        group.addoption(
            f"--{name.replace('_', '-')}",
            dest=f"conformance_{name}",
            action="store_true",
            default=False,
            help=f"{help_text} [env {var}]",
        )


def add_plugin_options_for_reading(parser) -> None:
    """PLUGIN_OPTIONS on a scratch parser (harness/prestart_decision.py): read, never used."""
    group = parser.getgroup(*GROUP)
    for option, takes_value in PLUGIN_OPTIONS.items():
        dest = "plugin_" + option.lstrip("-").replace("-", "_")
        group.addoption(option, dest=dest, **({} if takes_value else {"action": "store_true"}))


def given_values(option: Callable[[str], object]) -> dict:
    """Option name -> the value given on the command line (`option(dest)` reads one)."""
    return {name: option(f"conformance_{name}") for name in (*cfg.OPTIONS, *cfg.FLAGS)}


def collects_suite(args: list[str], invocation_dir: Path) -> bool:
    """The run collects the suite (tests/), not selftests/ alone: `args` are pytest's decided args."""
    tests_dir = REPO_ROOT / "tests"
    for arg in args:
        path = (Path(invocation_dir) / arg.split("::")[0]).resolve()
        if path == tests_dir or tests_dir in path.parents or path in tests_dir.parents:
            return True
    return False
