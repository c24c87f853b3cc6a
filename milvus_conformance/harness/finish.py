"""How a run that did not simply finish ends: interrupted (at the start, during the cases, during the
clean-up), or with a clean-up problem after every verdict is in. Used by the plugin's session hooks.

- An interrupted run's reports say "interrupted" with the counts of what ran (results/interruption.py),
  its exit status is 2, and the terminal shows one line for it instead of a traceback.
- A clean-up problem at the end (the final sweep could not finish) is a harness warning beside the
  verdict: the cases have all been judged by then, and the run's users stay journaled for the next run.
"""

from __future__ import annotations


from milvus_conformance.harness.interrupt import INTERRUPTS
from milvus_conformance.harness.keys import COLLECTOR
from milvus_conformance.reports.wording import INTERRUPTED_WORDING
from milvus_conformance.results.model import RunResult

XDIST_WORKER_INTERRUPT = "keyboard-interrupt"  # xdist's word for a worker's Ctrl-C


def saw_keyboard_interrupt(config, exc: BaseException) -> None:
    """A KeyboardInterrupt that reached pytest: a user's, unless it is pytest's or xdist's way of
    stopping for another reason (the target gone, --maxfail), which carry their own message."""
    interrupts = config.stash.get(INTERRUPTS, None)
    if interrupts is None or not isinstance(exc, KeyboardInterrupt):
        return
    if type(exc) is KeyboardInterrupt or XDIST_WORKER_INTERRUPT in str(exc):
        interrupts.keyboard = True


def interruption_of(session, cases_run: int):
    interrupts = session.config.stash.get(INTERRUPTS, None)
    if interrupts is None:
        return None
    fallback = "SIGINT" if getattr(interrupts, "keyboard", False) else ""
    return interrupts.interruption(cases_run, session.testscollected or len(session.items), fallback)


def interrupted_at_start(session, ctx) -> str:
    """Interrupted while starting (the embedded server, preflight, the sweep of earlier runs): stop
    what was started, write the reports (marked interrupted, no cases) and return the one line."""
    config = session.config
    try:
        ctx.stop()
    finally:
        collector = config.stash[COLLECTOR]
        run = collector.run_result()
        run.interruption = config.stash[INTERRUPTS].interruption(0, 0, "SIGINT")
        _write(run, ctx)
    return (
        f"conformance: interrupted ({run.interruption.signal}) while starting the run: no user "
        f"was created; reports marked interrupted in {ctx.config.reports_dir}/"
    )


def _write(run: RunResult, ctx) -> None:
    from milvus_conformance.reports import write_all

    write_all(run, ctx.config.reports_dir)


def cleanup_problem(collector, exc: Exception) -> None:
    """The final sweep failed after every case had its verdict: a warning beside the verdict."""
    collector.harness_warnings.append(
        f"clean-up: {exc}; every case had its verdict by then. The run's users stay in its journal "
        "(--state-dir) and the next run against this target drops them"
    )


def patient_admin(ctx):
    """The run's own admin for the start and end sweeps: connection failures retried (retry.py)."""
    from milvus_conformance.harness.retry import PatientAdmin
    from milvus_conformance.harness.run_context import admin_ops

    return PatientAdmin(lambda: admin_ops(ctx))


def interrupted_verdict(run: RunResult) -> str:
    return f"{INTERRUPTED_WORDING.verdict}: {run.interruption.summary()}"


def interrupted_line(run: RunResult, reports_dir) -> str:
    """The one line an interrupted run ends with."""
    left = [w for w in run.harness_warnings if w.startswith("clean-up") or "still on the target" in w]
    users = (
        "the run's users were swept"
        if not left
        else "NOT every user of the run could be removed (see the warning above)"
    )
    return (
        f"conformance: interrupted ({run.interruption.signal}) during the {run.interruption.phase}; "
        f"{users}; reports marked interrupted in {reports_dir}/"
    )


def say_interrupted(reporter, run: RunResult, reports_dir) -> None:
    """pytest prints a KeyboardInterrupt that reached it as a '!' banner with its message, then where
    it landed: make the banner our one line and drop the location. Without one (the signal came
    during the clean-up), write the line."""
    line = interrupted_line(run, reports_dir)
    memo = reporter._keyboardinterrupt_memo
    if memo is not None and memo.reprcrash is not None:
        memo.reprcrash.message = line
    else:
        reporter.write_line(line)
