"""Whether a pytest command line is a run of the suite against the embedded target, decided when
harness/early.py is loaded: before pytest has loaded its other plugins or parsed the command line
with their options. The command line is parsed here as pytest will parse it (pytest's own options,
the light plugins' options, the suite's: harness/options.py) and configured as the plugin will
configure it (harness/config.py); whatever cannot be told for sure (an unknown option, a bad value)
means no early start, and the target is started the normal way at the session start."""

from __future__ import annotations

import importlib
import inspect
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from milvus_conformance.harness.prestart import Plan

# Plugins loaded from entry points after harness/early.py whose options a suite's command line may
# carry (cheap to import; schemathesis's and anyio's add none a run would give). Any other plugin's
# option is unknown here: no early start.
LIGHT_PLUGINS = ("xdist.plugin", "xdist.looponfail", "_hypothesis_pytestplugin")
# pytest options (dest) with which pytest ends before the session start, or never starts a target
NOT_A_RUN = ("help", "version", "collectonly", "showfixtures", "show_fixtures_per_test", "markers")
CANNOT_TELL = ("pyargs",)  # the args are module names: which files they are is pytest's to find
WORKER_VARIABLE = "PYTEST_XDIST_WORKER"  # set by pytest-xdist in a worker before its config is made


@dataclass(frozen=True)
class Decision:
    plan: Plan | None  # None: no early start
    reason: str


def decide(config, pluginmanager, early_plugin, env: Mapping[str, str] | None = None) -> Decision:
    """For a pytest `config` whose command line has been read but not yet parsed with the plugins'
    options (harness/early.py's pytest_addoption). Never raises: no early start instead."""
    env = os.environ if env is None else env
    if env.get(WORKER_VARIABLE):
        return Decision(None, "an xdist worker: the controller starts the target")
    try:
        args = [*config.getini("addopts"), *shlex.split(env.get("PYTEST_ADDOPTS", "")), *config.invocation_params.args]
        parser = scratch_parser(pluginmanager, early_plugin)
        return decide_args(
            args, parser, env, config.invocation_params.dir, config.rootpath, config.getini("testpaths"), config
        )
    except Exception as exc:  # noqa: BLE001 - cannot tell: the normal start
        return Decision(None, f"cannot tell ({type(exc).__name__}: {exc})")


def decide_args(args, parser, env, invocation_dir, rootpath, testpaths, config) -> Decision:
    from milvus_conformance.errors import ConfigError
    from milvus_conformance.harness import config as cfg
    from milvus_conformance.harness import options

    namespace, unknown = parser.parse_known_and_unknown_args(args)
    if unknown:
        return Decision(None, f"cannot tell: unknown option {unknown[0]}")
    ending = [dest for dest in NOT_A_RUN if getattr(namespace, dest, False)]
    if ending:
        return Decision(None, f"not a run of the cases (--{ending[0]})")
    if any(getattr(namespace, dest, False) for dest in CANNOT_TELL):
        return Decision(None, "cannot tell: --pyargs")
    paths, _source = config._decide_args(
        args=list(namespace.file_or_dir),
        pyargs=False,
        testpaths=testpaths,
        invocation_dir=invocation_dir,
        rootpath=rootpath,
        warn=False,
    )
    if not options.collects_suite(paths, invocation_dir):
        return Decision(None, "not a run of the suite (tests/)")
    try:
        target = cfg.from_values(options.given_values(lambda dest: getattr(namespace, dest)), env)
    except ConfigError as exc:
        return Decision(None, f"bad configuration, said at configure ({exc})")
    plan = Plan.of(target)
    return Decision(plan, "the embedded target" if plan else "a given target")


def scratch_parser(pluginmanager, early_plugin):
    """A scratch pytest parser with every option pytest will know: those of the plugins registered
    so far (pytest's own), of LIGHT_PLUGINS and the suite's."""
    from _pytest.config.argparsing import Parser

    parser = Parser(_ispytest=True)
    registered = [
        impl for impl in pluginmanager.hook.pytest_addoption.get_hookimpls() if impl.plugin is not early_plugin
    ]
    functions = [impl.function for impl in registered]
    for name in LIGHT_PLUGINS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if module.pytest_addoption not in functions:  # not already registered (e.g. `-p xdist` first)
            functions.append(module.pytest_addoption)
    given = {"parser": parser, "pluginmanager": pluginmanager}
    for function in functions:
        function(**{name: given[name] for name in inspect.signature(function).parameters})
    from milvus_conformance.harness import options

    options.add_options(parser)
    options.add_plugin_options_for_reading(parser)
    return parser
