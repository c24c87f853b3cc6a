"""The discovered profile as a file in the flat profile form (profiles/README.md): `extends:
documented`, every key with its value and a source saying where, when and how it was observed."""

from __future__ import annotations

import yaml

from milvus_conformance.contract.profiles import DOCUMENTED
from milvus_conformance.discover.findings import Finding


def source(item: Finding, target: str, when: str) -> str:
    verb = "observed" if item.observed else "not observed"
    return f"{verb} on {target} at {when} by discover: {item.how}"


def render(name: str, items: list[Finding], target: str, when: str, cost: str, notes: list[str] = ()) -> str:
    """`notes`: comment lines after the header (e.g. the user operations the target lacks)."""
    lines = [
        f"# Written by `milvus-conformance discover` against {target} at {when} ({cost}).",
        "# Every value was observed by a probe (its source says what was sent); null: not observed.",
        *notes,
        f"name: {name}",
        f"title: {_scalar(f'{name} as observed by discover on {target} at {when}')}",
        f"extends: {DOCUMENTED}",
        "values:",
    ]
    for item in items:
        entry = {"value": item.value, "source": source(item, target, when)}
        lines.append(f"  {item.key}: {_flow(entry)}")
    text = "\n".join(lines) + "\n"
    _check_round_trip(text, items)
    return text


def _flow(obj) -> str:
    return yaml.safe_dump(obj, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**6).strip()


def _scalar(text: str) -> str:
    return _flow([text])[1:-1]


def _check_round_trip(text: str, items: list[Finding]) -> None:
    """What is written must read back as exactly what was found (quoting of odd characters)."""
    values = yaml.safe_load(text)["values"]
    for item in items:
        if values[item.key]["value"] != item.value:
            raise AssertionError(
                f"profile writer: {item.key} reads back as {values[item.key]['value']!r}, not {item.value!r}"
            )
