"""Credential settle times: how long after a create, an update_password or a drop a login gave the
answer it should (the target's credential caches seeing the change), one `SettleSample` per
authentication check, and what a run says about them (count, median, max per surface and
direction; the windows in which credentials that should already be refused still worked).

Plain data: the polling is checks/settle.py, the pytest plumbing harness/settle_plugin.py."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

ACCEPT, REFUSE = "accept", "refuse"  # what the check expected of the credentials


@dataclass(frozen=True)
class SettleSample:
    surface: str  # "rest" | "sdk"
    expect: str  # ACCEPT | REFUSE
    seconds: float  # first attempt -> first attempt that gave the expected answer (or -> giving up)
    attempts: int
    settled: bool  # the expected answer came within the bound
    bound_s: float  # the bound it was polled for (users.settle_s)
    user: str = ""  # a per-run user of the suite (never a secret)
    case_id: str = ""  # filled in by the controller

    @property
    def window(self) -> bool:
        """An expected refusal that was let in first and refused within the bound: the old
        credentials still worked for `seconds`."""
        return self.expect == REFUSE and self.settled and self.attempts > 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SettleSample":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass
class SettleSummary:
    """What results.json (`settle`) and the reports say about a run's settle samples."""

    bound_s: float | None = None
    bound_source: str = ""
    samples: list[SettleSample] = field(default_factory=list)

    def stats(self) -> list[dict[str, Any]]:
        """Per surface and direction: count, median and max of the settled samples' seconds, and how
        many did not settle within the bound."""
        rows = []
        for surface in sorted({s.surface for s in self.samples}):
            for expect in (ACCEPT, REFUSE):
                mine = [s for s in self.samples if s.surface == surface and s.expect == expect]
                if not mine:
                    continue
                settled = [s.seconds for s in mine if s.settled]
                rows.append(
                    {
                        "surface": surface,
                        "expect": expect,
                        "count": len(mine),
                        "median_s": round(median(settled), 3) if settled else None,
                        "max_s": round(max(settled), 3) if settled else None,
                        "not_settled": len(mine) - len(settled),
                    }
                )
        return rows

    def windows(self) -> list[SettleSample]:
        return [s for s in self.samples if s.window]

    def findings(self) -> list[str]:
        """One line per window in which refused credentials still worked (not a failure: the
        profile's bound allows it; an operator should still know)."""
        return [
            f"{s.surface}: {s.user!r} was still let in {s.seconds:.3f} s after the change "
            f"({s.attempts - 1} login(s) accepted that should be refused; {s.case_id})"
            for s in self.windows()
        ]

    def lines(self) -> list[str]:
        """Short lines for the console and summary.md."""
        if not self.samples:
            return []
        bound = f"bound {self.bound_s:g} s" if self.bound_s is not None else "no bound"
        out = []
        for row in self.stats():
            what = "login after a change" if row["expect"] == ACCEPT else "refusal after a change"
            shown = (
                f"median {row['median_s']:.3f} s, max {row['max_s']:.3f} s"
                if row["median_s"] is not None
                else "none settled"
            )
            late = f", {row['not_settled']} beyond the bound" if row["not_settled"] else ""
            out.append(f"settle ({bound}): {row['surface']} {what}: {row['count']} checks, {shown}{late}")
        windows = self.windows()
        if windows:
            out.append(
                f"settle finding: {len(windows)} window(s) in which refused credentials still "
                f"worked, longest {max(s.seconds for s in windows):.3f} s (results.json settle.findings)"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "bound_s": self.bound_s,
            "bound_source": self.bound_source,
            "stats": self.stats(),
            "findings": self.findings(),
            "samples": [s.to_dict() for s in self.samples],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "SettleSummary":
        d = d or {}
        return cls(
            d.get("bound_s"), d.get("bound_source", ""), [SettleSample.from_dict(s) for s in d.get("samples", [])]
        )
