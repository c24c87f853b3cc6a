"""`milvus-conformance discover`: probe a target and write a profile of what it does.

Takes the suite's own target options (harness/config.py: the same names, environment variables and
validation), so an option added there applies here too. Exit statuses as a run's: 0 written, 2
interrupted (everything swept), 3 harness or infrastructure error, 4 bad configuration."""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path

from milvus_conformance import REPO_ROOT
from milvus_conformance.errors import ConfigError, ExitStatus, HarnessError
from milvus_conformance.harness.config import FLAGS, OPTIONS, from_values

HELP = "probe a target and write a profile of what it does (every value sourced)"
# Options of a run that mean nothing to a discovery (it writes the profile, creates users, no report)
NOT_FOR_DISCOVERY = {"profile", "tier", "fuzz_examples", "fuzz_scenarios", "fuzz_seed", "reports_dir", "read_only"}
MIN_ALIVE = 3  # a user without privileges, plus the two of the case-sensitivity probe
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def add_arguments(parser) -> None:
    parser.add_argument(
        "--name", required=True, help="the target's name, e.g. my-cluster (the profile's name, and in every source)"
    )
    parser.add_argument("--out", help="profile file to write (default: profiles/NAME.yaml)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing profile file")
    for name, (var, _default, text) in OPTIONS.items():
        if name not in NOT_FOR_DISCOVERY:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"{text} [{var}]")
    for name, (var, text) in FLAGS.items():
        if name not in NOT_FOR_DISCOVERY:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, action="store_true", help=f"{text} [{var}]")


def run(args) -> int:
    from milvus_conformance.discover import not_implemented
    from milvus_conformance.discover.run import discover
    from milvus_conformance.discover.table import render_table
    from milvus_conformance.discover.writer import render

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        config, out = _configure(args)
        found = discover(config, args.name, report=lambda line: print(line, flush=True))
        cost = f"{found.requests} requests in {found.seconds:.1f} s"
        text = render(args.name, found.items, found.target, found.when, cost, not_implemented.header(found.missing))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except ConfigError as exc:
        return _fail(exc, ExitStatus.CONFIGURATION)
    except HarnessError as exc:
        return _fail(exc, exc.exit_status)
    except OSError as exc:
        return _fail(f"cannot write the profile: {exc.strerror or exc}", ExitStatus.CONFIGURATION)
    except KeyboardInterrupt:
        print("conformance: discover interrupted; every user it created was swept", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    observed = sum(item.observed for item in found.items)
    print(render_table(found.items))
    for item in found.items:
        if "WARNING" in item.how:  # a finding beyond the profile's keys
            print(f"discover: {item.key}: {item.how}")
    print(
        f"discover: {observed} of {len(found.items)} keys observed, {len(found.items) - observed} "
        f"null (with the reason); {cost}; profile written to {out}"
    )
    return ExitStatus.CONFORMS


def _configure(args):
    if not PROFILE_NAME.fullmatch(args.name):
        raise ConfigError(f"--name {args.name!r}: letters, digits, '.', '_' and '-' only")
    values = {name: getattr(args, name, None) for name in list(OPTIONS) + list(FLAGS)}
    config = from_values(values)
    if config.read_only:
        raise ConfigError("discover creates (and drops) users: it cannot run read-only")
    if config.max_users < MIN_ALIVE:
        raise ConfigError(
            f"discover keeps up to {MIN_ALIVE} of its users alive at once: --max-users must be at least {MIN_ALIVE}"
        )
    out = Path(args.out) if args.out else REPO_ROOT / "profiles" / f"{args.name}.yaml"
    if out.exists() and not args.force:
        raise ConfigError(f"{out} exists: pass --force to overwrite it, or --out another file")
    return config, out


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _fail(exc, status: int) -> int:
    print(f"conformance: {' '.join(str(exc).split())}", file=sys.stderr)
    return status
