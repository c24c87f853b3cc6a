"""Which profile a run uses, and for which server version its values are resolved.

The version comes from the server (gRPC GetVersion) when the SDK surface is given, else from
`--server-version`; the two must agree. `--profile auto` picks the profile whose `auto` rule matches
the version (the embedded target: `embedded`); without a usable version it falls back to
`documented` with a warning.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from milvus_conformance.contract.profiles import (
    DOCUMENTED,
    Profile,
    available_profiles,
    is_path,
    load_profile,
    profile_path,
)
from milvus_conformance.contract.versions import Version, parse_user_version, parse_version
from milvus_conformance.errors import ConfigError

AUTO = "auto"
EMBEDDED = "embedded"
FROM_SERVER, FROM_USER = "GetVersion", "--server-version"


@dataclass(frozen=True)
class ProfileChoice:
    requested: str  # as the user gave it: a name, a file path, or "auto"
    profile: str  # what to load: a built-in name or an absolute file path
    name: str  # the chosen profile's name
    version: str = ""  # the version its values are resolved for ("" = unknown)
    version_source: str = ""  # FROM_SERVER, FROM_USER or ""
    reason: str = ""  # one line: what was chosen and why
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def load(self) -> Profile:
        return load_profile(self.profile, parse_version(self.version))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "ProfileChoice":
        return cls(**{**d, "warnings": tuple(d.get("warnings", ()))})


def check_requested(requested: str) -> None:
    """At configuration time: a known name, a readable profile file, or auto."""
    if requested != AUTO:
        load_profile(requested)


def target_version(given: str | None, reported: str) -> tuple[Version | None, str, list[str]]:
    """(version, where it came from, warnings). A given and a reported version that differ is a
    configuration error: the run would resolve the profile for the wrong server."""
    user = parse_user_version(given) if given else None
    server = parse_version(reported) if reported else None
    warnings = []
    if reported and server is None:
        warnings.append(f"the server reports an unparsable version {reported!r}")
    if user is not None and server is not None and not user.same_release(server):
        raise ConfigError(
            f"--server-version {given} but the server reports {reported} "
            f"({FROM_SERVER}): correct the option or leave it out"
        )
    if server is not None:
        return server, FROM_SERVER, warnings
    if user is not None:
        return user, FROM_USER, warnings
    return None, "", warnings


def choose_profile(
    requested: str,
    *,
    embedded: bool,
    given_version: str | None = None,
    reported_version: str = "",
    embedded_profile: str = EMBEDDED,
    version_error: str = "",
) -> ProfileChoice:
    """`embedded_profile`: what auto chooses for the embedded target (its release's own profile);
    `version_error`: how the server failed to say its version when asked (e.g. `GetVersion:
    UNIMPLEMENTED`), "" when it was not asked."""
    version, source, warnings = target_version(given_version, reported_version)
    shown = _shown(version, source)
    asked = bool(reported_version or version_error)
    if version is None and asked:
        warnings[:] = [w for w in warnings if "unparsable version" not in w]  # said once, below
        shown = (
            "server version unparsable: " + repr(reported_version)
            if reported_version
            else f"server version unknown: {version_error}"
        )
    if requested == AUTO:
        ref, why = _auto(
            embedded_profile if embedded else None,
            version,
            shown,
            warnings,
            _unknown_why(reported_version, version_error),
        )
        reason = f"profile auto -> {ref} ({why})"
    else:
        ref = requested
        reason = f"profile {requested} ({shown})"
    profile = load_profile(ref, version)
    if requested != AUTO and version is not None and profile.auto.series and not profile.auto.matches(version):
        warnings.append(
            f"profile {profile.name} is for {_series_text(profile)}, the server is "
            f"v{version} (--profile auto would choose {_auto_name(version) or DOCUMENTED})"
        )
    if version is None and profile.version_dependent_keys():
        keys = profile.version_dependent_keys()
        warnings.append(
            f"profile {profile.name}: {len(keys)} key(s) depend on the server version, "
            f"which is unknown, so their cases skip: {', '.join(keys)} (give "
            + ("--server-version X.Y.Z)" if asked else "--server-version X.Y.Z or --grpc-uri)")
        )
    target = str(profile_path(ref)) if is_path(ref) else ref
    return ProfileChoice(
        requested, target, profile.name, str(version) if version else "", source, reason, tuple(warnings)
    )


def _unknown_why(reported: str, error: str) -> str:
    """Why the server's version is unknown, when it was asked for it ("" when it was not)."""
    if reported:
        return f"the server reports an unparsable version {reported!r}"
    if error:
        return f"the server did not say its version ({error})"
    return ""


def _auto(
    embedded: str | None, version: Version | None, shown: str, warnings: list[str], unknown_why: str = ""
) -> tuple[str, str]:
    if embedded:
        return embedded, f"the embedded target; {shown}"
    if version is None and unknown_why:
        warnings.append(
            f"profile auto: {unknown_why}, so it fell back to {DOCUMENTED} (the vendor "
            f"docs); give --server-version X.Y.Z to choose by version"
        )
        return DOCUMENTED, shown
    if version is None:
        warnings.append(
            f"profile auto: the server version is unknown, so the vendor docs "
            f"({DOCUMENTED}) are the reference (give --server-version X.Y.Z or --grpc-uri)"
        )
        return DOCUMENTED, shown
    name = _auto_name(version)
    if name is None:
        warnings.append(
            f"profile auto: no profile is for v{version}, so the vendor docs ({DOCUMENTED}) are the reference"
        )
        return DOCUMENTED, shown
    return name, shown


def _auto_name(version: Version) -> str | None:
    names = [n for n in available_profiles() if load_profile(n).auto.matches(version)]
    if len(names) > 1:
        raise ConfigError(f"profiles {', '.join(names)} all claim v{version} in their `auto` rule")
    return names[0] if names else None


def _series_text(profile: Profile) -> str:
    text = " and ".join(f"{s}.x" for s in profile.auto.series)
    return text + (" pre-releases" if profile.auto.prerelease_only else "")


def _shown(version: Version | None, source: str) -> str:
    if version is None:
        return "server version unknown"
    text = version.text or str(version)
    return f"server {text if text.startswith('v') else 'v' + text}, from {source}"
