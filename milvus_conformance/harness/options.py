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
