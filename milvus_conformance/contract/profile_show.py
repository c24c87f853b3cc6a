"""`milvus-conformance profile show NAME [--server-version X.Y.Z]`: what the suite will expect of a
server before running it - every key's resolved value with its source and version range."""

from __future__ import annotations

import argparse
import json
import sys

from milvus_conformance.contract.profiles import Profile, Value
from milvus_conformance.contract.selection import choose_profile
from milvus_conformance.errors import ConfigError, ExitStatus

HELP = "show a profile's values, resolved for a server version"


def add_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="profile_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help=HELP, description=HELP)
    show.add_argument("name", metavar="NAME", help="a profile name, a profile file path, or auto")
    show.add_argument("--server-version", metavar="X.Y.Z", help="resolve version-ranged values for this server version")
    show.add_argument("--json", action="store_true", help="print the values as JSON")


def run(args: argparse.Namespace) -> int:
    try:
        choice = choose_profile(args.name, embedded=False, given_version=args.server_version)
        profile = choice.load()
    except ConfigError as exc:
        print(f"conformance: {' '.join(str(exc).split())}", file=sys.stderr)
        return ExitStatus.CONFIGURATION
    if args.json:
        sys.stdout.write(json.dumps(as_data(profile), indent=2, ensure_ascii=False) + "\n")
        return 0
    print(choice.reason)
    for warning in choice.warnings:
        print(f"warning: {warning}")
    print(f"{profile.name}: {profile.title} ({profile.path})")
    for line in render(profile):
        print(line)
    return 0


def render(profile: Profile) -> list[str]:
    lines = []
    for key in profile.keys():
        value = profile.get(key)
        lines.append(f"{key} = {_shown(value.value)}")
        definition = profile.definition(key)
        if not value.unresolved:
            lines.append(f"    {_where(value)}: {value.source}")
        else:  # not resolved: show what each range would give
            lines.append(f"    {value.source}")
            lines += [
                f"    {e.range} -> {_shown(e.value)} ({definition.profile}: {e.source})" for e in definition.entries
            ]
    return lines


def as_data(profile: Profile) -> dict:
    return {
        "profile": profile.name,
        "path": str(profile.path),
        "version": str(profile.version) if profile.version else None,
        "values": {key: _value_data(profile.get(key)) for key in profile.keys()},
    }


def _value_data(value: Value) -> dict:
    r = value.range
    return {
        "value": value.value,
        "source": value.source,
        "profile": value.profile,
        "unresolved": value.unresolved,
        "since": str(r.since) if r.since else None,
        "until": str(r.until) if r.until else None,
    }


def _where(value: Value) -> str:
    return f"{value.profile} [{value.range}]" if value.range.bounded else value.profile


def _shown(value) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)
