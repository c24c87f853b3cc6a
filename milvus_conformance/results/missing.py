"""What a run's capability check found missing (RunResult.missing_operations), as the lines every
view prints up front: `users/create is not implemented on the SDK surface (UNIMPLEMENTED)`."""

from __future__ import annotations

OPERATIONS = ("users/create", "users/list", "users/describe", "users/update_password", "users/drop")
SURFACE_TITLE = {"rest": "REST", "sdk": "SDK"}


def missing_lines(missing: dict[str, dict[str, str]]) -> list[str]:
    """One line per surface and reason, the SDK first."""
    out = []
    for surface, ops in sorted(missing.items(), key=lambda kv: kv[0] != "sdk"):
        by_reason: dict[str, list[str]] = {}
        for op in [*OPERATIONS, *sorted(set(ops) - set(OPERATIONS))]:
            if op in ops:
                by_reason.setdefault(ops[op], []).append(op)
        for reason, names in by_reason.items():
            verb = "is" if len(names) == 1 else "are"
            out.append(
                f"{', '.join(names)} {verb} not implemented on the "
                f"{SURFACE_TITLE.get(surface, surface)} surface ({reason})"
            )
    return out


def first_line(missing: dict[str, dict[str, str]]) -> str:
    return "; ".join(missing_lines(missing))
