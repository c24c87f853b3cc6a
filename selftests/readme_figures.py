"""README figures that a command computes here, pasted between markers by this script:

    <!-- figure:NAME -->the figure<!-- /figure -->

`python selftests/readme_figures.py` rewrites every marked figure in README.md from its command;
`--check` (and selftests/test_readme.py, in make check) fails when README shows another value.
Figures that need a real server and a quiet machine (run counts, timings) are not here: README
states them with the date and the machine they were measured on.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
README = REPO / "README.md"
MARKED = re.compile(r"<!-- figure:(?P<name>[a-z0-9.-]+) -->(?P<text>.*?)<!-- /figure -->", re.S)


def _profile_diff(a: str, b: str) -> Callable[[], str]:
    def figure() -> str:
        """`profile-diff A B`'s counts, as README words them: "7 differ, 28 narrow"."""
        from milvus_conformance.contract.profile_diff import diff_profiles, open_profile

        rows = diff_profiles(open_profile(a), open_profile(b)).rows
        count = {rel: sum(1 for r in rows if r.relation == rel) for rel in ("differs", "narrows")}
        return f"{count['differs']} differ, {count['narrows']} narrow"

    return figure


def _discover_keys() -> str:
    """How many keys a discovered profile holds: every documented key and the informative ones."""
    from milvus_conformance.contract.profile_keys import INFORMATIVE_KEYS
    from milvus_conformance.contract.profiles import documented

    return str(len(documented().keys()) + len(INFORMATIVE_KEYS))


FIGURES: dict[str, Callable[[], str]] = {
    "diff-documented-milvus-2.5": _profile_diff("documented", "milvus-2.5"),
    "discover-keys": _discover_keys,
}


def shown(text: str) -> dict[str, list[str]]:
    """Figure name -> every value README shows for it."""
    found: dict[str, list[str]] = {}
    for match in MARKED.finditer(text):
        found.setdefault(match["name"], []).append(match["text"])
    return found


def rewrite(text: str) -> str:
    return MARKED.sub(lambda m: f"<!-- figure:{m['name']} -->{FIGURES[m['name']]()}<!-- /figure -->", text)


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    unknown = sorted(set(shown(text)) - set(FIGURES))
    if unknown:
        print(f"README marks figures no command computes: {unknown}", file=sys.stderr)
        return 1
    new = rewrite(text)
    if "--check" in argv:
        if new != text:
            print("README figures are stale: run python selftests/readme_figures.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"README: {sum(len(v) for v in shown(new).values())} figures written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
