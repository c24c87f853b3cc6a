"""Configuration is read in one place: settings.py is the only module that reads a suite setting
from the environment, and every CONFORMANCE_* name the package spells is a known one (an option's
variable, or one of settings.INTERNAL's). Static (ast and text), so nothing is run to check it."""

from __future__ import annotations

import ast
import re

from milvus_conformance import REPO_ROOT
from milvus_conformance.certify.plugin import ENV as CERTIFY_ENV
from milvus_conformance.harness import config
from milvus_conformance.harness.jobs_plugin import OPTION as JOBS_OPTION
from milvus_conformance.settings import INTERNAL, PREFIX, environment, flag, suite_variables

PACKAGE = REPO_ROOT / "milvus_conformance"
# Modules that touch the environment for something other than a suite setting, and why.
OTHER_USES = {
    "settings.py": "the one reader",
    "__init__.py": "sets GRPC_VERBOSITY (grpc's own logging) before grpc loads",
    "harness/fixtures.py": "PYTEST_XDIST_WORKER(_COUNT): set by xdist",
    "harness/jobs_plugin.py": "PYTEST_XDIST_WORKER: set by xdist",
    "ci/github.py": "GITHUB_*: set by the Actions runner",
    "target/lookalikes/server.py": "a look-alike's environment: a copy of this one",
    "faults/killrate_runner.py": "a suite subprocess's environment: a copy of this one, CONFORMANCE_* left out",
    "faults/fork_server.py": "a forked suite run's environment: the run's own copy, set in the child",
    "harness/prestart_decision.py": "PYTEST_XDIST_WORKER, PYTEST_ADDOPTS: pytest's own (CONFORMANCE_* via settings)",
    "target/embedded/server.py": "the Milvus child's environment: a copy of this one plus ETCD_CONFIG_PATH",
}


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8")


def _environment_uses(tree) -> list[ast.AST]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")
    ]


def test_only_settings_reads_the_suites_variables():
    stray = {name for name, text in _sources() if _environment_uses(ast.parse(text))} - set(OTHER_USES)
    assert not stray, f"read the environment through milvus_conformance.settings: {sorted(stray)}"
    for name, text in _sources():
        if name == "settings.py":
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.Call, ast.Subscript)):
                inner = node.func if isinstance(node, ast.Call) else node.value
                args = node.args if isinstance(node, ast.Call) else [node.slice]
                reads_env = any(True for _ in _environment_uses(inner))
                literal = args and isinstance(args[0], ast.Constant) and str(args[0].value).startswith(PREFIX)
                assert not (reads_env and literal), f"{name}:{node.lineno} reads {args[0].value} itself"


def test_every_suite_variable_is_a_known_one():
    known = {var for var, *_ in config.OPTIONS.values()} | {var for var, _ in config.FLAGS.values()}
    known |= {JOBS_OPTION[1], CERTIFY_ENV, *INTERNAL}
    spelled = {var: name for name, text in _sources() for var in re.findall(r"\bCONFORMANCE_[A-Z][A-Z_]*\b", text)}
    unknown = {var: where for var, where in spelled.items() if var not in known}
    assert not unknown, f"not in an option table nor settings.INTERNAL: {unknown}"


def test_the_reader():
    env = {"CONFORMANCE_KILLRATE_DUMP": "/tmp/x", "CONFORMANCE_READ_ONLY": "Yes", "HOME": "/root"}
    assert environment("CONFORMANCE_KILLRATE_DUMP", env) == "/tmp/x"
    assert environment("CONFORMANCE_KILLRATE_SELECT", env) is None and flag("CONFORMANCE_READ_ONLY", env)
    assert suite_variables(env) == {"CONFORMANCE_KILLRATE_DUMP": "/tmp/x", "CONFORMANCE_READ_ONLY": "Yes"}
    assert all(meaning for _, meaning in INTERNAL.values())
