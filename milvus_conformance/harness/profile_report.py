"""The results model's target fields for a run's profile choice (made after preflight)."""

from __future__ import annotations


def profile_fields(ctx) -> dict:
    choice = ctx.profile_choice
    return {
        "profile": choice.name,
        "server_version": ctx.server_version or ctx.config.server_version,
        "profile_requested": choice.requested,
        "profile_reason": choice.reason,
        "version_source": choice.version_source,
        "profile_warnings": list(choice.warnings),
    }
