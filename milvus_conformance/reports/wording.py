"""Every word a report or the terminal summary uses for a status and for a run's verdict, in one
table, so that the terminal, report.html, summary.md, compare and matrix always say the same thing."""
from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.results.model import Status


@dataclass(frozen=True)
class Wording:
    word: str          # a case's or requirement's status: "known deviation"
    symbol: str        # its mark in Markdown tables
    verdict: str       # a run whose overall status this is, in one shout: "CONFORMS"
    meaning: str       # the same as a sentence: "conforms, apart from deviations the profile declares"

    @property
    def sentence(self) -> str:
        """`meaning` as a sentence of its own (capitalised)."""
        return self.meaning[:1].upper() + self.meaning[1:]


WORDING = {
    Status.PASS: Wording("pass", "✅", "CONFORMS", "conforms to the documented Create User API"),
    Status.KNOWN_DEVIATION: Wording("known deviation", "⚠️", "CONFORMS (with known deviations)",
                                    "conforms, apart from deviations the profile declares"),
    Status.SKIP: Wording("skip", "⏭️", "NOTHING CHECKED", "nothing was checked"),
    Status.UNEXPECTED_PASS: Wording("unexpected pass", "❗", "DOES NOT CONFORM (profile out of date)",
                                    "the profile declares deviations the target does not have"),
    Status.FAIL: Wording("fail", "❌", "DOES NOT CONFORM", "does NOT conform"),
    Status.ERROR: Wording("error", "💥", "NO VERDICT (harness/infrastructure error)",
                          "no verdict: the harness hit errors"),
    Status.NOT_IMPLEMENTED: Wording("not implemented", "🚫", "DOES NOT CONFORM (operations not implemented)",
                                    "does NOT conform: it does not implement operations under test"),
    Status.SKIPPED_BY_CHOICE: Wording("skipped by choice", "⏸️", "NOTHING CHECKED",
                                      "nothing was checked: every case was left out by the run's options"),
    Status.NOT_APPLICABLE: Wording("not applicable", "➖", "NOTHING CHECKED",
                                   "nothing was checked: no case applies to this target"),
}
STATUS_WORD = {status: w.word for status, w in WORDING.items()}


def status_label(status: Status | None) -> str:
    """'❌ fail'; None (requirement or case absent from a run) is an em dash."""
    return "—" if status is None else f"{WORDING[status].symbol} {WORDING[status].word}"

# A run stopped before it finished: no verdict, whatever the cases that ran say (results/interruption.py).
INTERRUPTED_WORDING = Wording("interrupted", "⏹️", "INTERRUPTED (partial run, no verdict)",
                              "interrupted: only part of the run was checked, so there is no verdict")


def run_wording(run) -> Wording:
    """The words for a run's overall result: "interrupted" wins over every case status."""
    return INTERRUPTED_WORDING if run.interruption else WORDING[run.overall()]


def run_label(run) -> str:
    """'⏹️ interrupted', or the status label of the run's overall status."""
    return (f"{INTERRUPTED_WORDING.symbol} {INTERRUPTED_WORDING.word}" if run.interruption
            else status_label(run.overall()))
