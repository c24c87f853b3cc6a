"""The requirement catalogue (specs/requirements.yaml)."""

from __future__ import annotations

from functools import lru_cache

import yaml

from milvus_conformance import REPO_ROOT
from milvus_conformance.results.model import Requirement

CATALOGUE = REPO_ROOT / "specs" / "requirements.yaml"


@lru_cache(maxsize=1)
def load_requirements() -> dict[str, Requirement]:
    raw = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    out: dict[str, Requirement] = {}
    for r in raw["requirements"]:
        if r.get("retired"):
            continue
        out[r["id"]] = Requirement(
            id=r["id"],
            level=r["level"],
            statement=r["statement"],
            source=r["source"],
            operation=r["operation"],
            surfaces=list(r["surfaces"]),
        )
    return out
