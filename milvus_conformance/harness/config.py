"""Target configuration: pytest options, each with an environment variable, validated before any
request is sent. With no target given, the embedded default target is used."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from milvus_conformance import REPO_ROOT
from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.contract.selection import check_requested
from milvus_conformance.contract.versions import parse_user_version
from milvus_conformance.errors import ConfigError, MissingToken
from milvus_conformance.harness import tls_config
from milvus_conformance.settings import environment, given, is_true
from milvus_conformance.target.embedded.releases import choose_release, embedded_profile

# option name -> (environment variable, default, help)
OPTIONS = {
    "base_url": ("CONFORMANCE_BASE_URL", None, "REST base URL of the target, e.g. http://host:19530"),
    "token": ("CONFORMANCE_TOKEN", None, "admin token for the target (user:password or API key)"),
    "grpc_uri": ("CONFORMANCE_GRPC_URI", None, "gRPC URI of the target for the SDK surface"),
    "profile": (
        "CONFORMANCE_PROFILE",
        None,
        "profile name (profiles/*.yaml), a profile file path, or auto (chosen from the server "
        "version); default: embedded for the embedded target, documented otherwise",
    ),
    "server_version": (
        "CONFORMANCE_SERVER_VERSION",
        None,
        "the target's Milvus version X.Y.Z, which selects version-ranged profile values "
        "(with --grpc-uri the server's own version is used and must agree)",
    ),
    "embedded_version": (
        "CONFORMANCE_EMBEDDED_VERSION",
        None,
        "Milvus release the embedded target runs (default 2.3.5; README lists the "
        "releases known to run); installed on first use under the state dir",
    ),
    "state_dir": (
        "CONFORMANCE_STATE_DIR",
        str(REPO_ROOT / ".conformance"),
        "where run journals live (keep it between runs to sweep leftovers of killed runs)",
    ),
    "reports_dir": ("CONFORMANCE_REPORTS_DIR", str(REPO_ROOT / "reports"), "where reports are written"),
    "max_users": ("CONFORMANCE_MAX_USERS", "20", "most users the suite keeps alive at once"),
    "rate_limit": ("CONFORMANCE_RATE_LIMIT", "0", "most requests per second per process (0 = no limit)"),
    "request_timeout": ("CONFORMANCE_REQUEST_TIMEOUT", "15", "per-request timeout of the suite, seconds"),
    "tier": ("CONFORMANCE_TIER", "gate", "gate (deterministic) or nightly (plus fuzzing and stateful)"),
    "fuzz_examples": ("CONFORMANCE_FUZZ_EXAMPLES", None, "nightly: fuzzing cases per operation (400)"),
    "fuzz_scenarios": ("CONFORMANCE_FUZZ_SCENARIOS", None, "nightly: stateful scenarios (150)"),
    "fuzz_seed": ("CONFORMANCE_FUZZ_SEED", None, "nightly: the seed to replay (printed by every run)"),
    **tls_config.OPTIONS,
}
FUZZ_OPTIONS = ("fuzz_examples", "fuzz_scenarios", "fuzz_seed")
FLAGS = {
    "read_only": ("CONFORMANCE_READ_ONLY", "run only what creates nothing (for clusters without writes)"),
    "fill_server": (
        "CONFORMANCE_FILL_SERVER",
        "run the user-cap case, which fills the server to its user limit (default: on for the embedded target only)",
    ),
    "allow_auth_disabled": (
        "CONFORMANCE_ALLOW_AUTH_DISABLED",
        "go on when the target has authorization disabled (auth cases skip)",
    ),
    "embedded_standard_errors": (
        "CONFORMANCE_EMBEDDED_STANDARD_ERRORS",
        "the embedded gateway answers business errors with standard HTTP "
        "statuses (Milvus PR #53092; profile embedded-standard-errors)",
    ),
    **tls_config.FLAGS,
}


@dataclass
class TargetConfig:
    base_url: str | None
    token: str | None
    grpc_uri: str | None
    profile: str
    embedded: bool
    state_dir: Path
    reports_dir: Path
    max_users: int = 20
    rate_limit: float = 0.0
    request_timeout: float = 15.0
    tier: str = "gate"
    fuzz: dict = field(default_factory=dict)  # fuzz option -> int, only those given
    read_only: bool = False
    fill_server: bool = False
    allow_auth_disabled: bool = False
    server_version: str = ""  # as the user gave it ("" = not given)
    embedded_version: str = "2.3.5"
    tls: TlsSettings = field(default_factory=TlsSettings)  # for a given target
    embedded_tls: str | None = None  # one-way | mutual | None
    embedded_standard_errors: bool = False  # the gateway's PR #53092 statuses


def from_values(values: dict, env: dict | None = None) -> TargetConfig:
    """values: option name -> value given on the command line (None when not given); each falls back
    to its CONFORMANCE_* variable (settings.environment, the one reader) and then its default."""
    get = {name: given(values.get(name), var, env) or default for name, (var, default, _) in OPTIONS.items()}
    flags = {name: bool(values.get(name)) or is_true(environment(var, env)) for name, (var, _) in FLAGS.items()}

    base_url = _check_url("--base-url", get["base_url"]) if get["base_url"] else None
    grpc_uri = _check_url("--grpc-uri", get["grpc_uri"], grpc=True) if get["grpc_uri"] else None
    embedded = base_url is None and grpc_uri is None
    token = get["token"]
    if not embedded and not token:
        raise MissingToken("a given target needs a token: --token or CONFORMANCE_TOKEN (user:password)")
    embedded_version = choose_release(get["embedded_version"], embedded)
    if flags["embedded_standard_errors"] and not embedded:
        raise ConfigError(
            "--embedded-standard-errors applies to the embedded target only (no --base-url "
            "or --grpc-uri); for a given target say it in its profile "
            "(rest.standard_error_status)"
        )
    profile = get["profile"] or (
        embedded_profile(embedded_version, flags["embedded_standard_errors"]) if embedded else "documented"
    )
    check_requested(profile)  # unknown profile -> ConfigError listing the available ones
    if get["server_version"]:
        parse_user_version(get["server_version"])
    if get["tier"] not in ("gate", "nightly"):
        raise ConfigError(f"unknown tier {get['tier']!r}: gate or nightly")
    tls, embedded_tls = tls_config.tls_from_values(get, flags, base_url, grpc_uri, embedded)
    return TargetConfig(
        base_url=base_url,
        token=token,
        grpc_uri=grpc_uri,
        profile=profile,
        embedded=embedded,
        state_dir=Path(get["state_dir"]),
        reports_dir=Path(get["reports_dir"]),
        max_users=_max_users(get["max_users"]),
        rate_limit=_number("--rate-limit", get["rate_limit"], float, 0, 10_000),
        request_timeout=_number("--request-timeout", get["request_timeout"], float, 0.5, 600),
        tier=get["tier"],
        read_only=flags["read_only"],
        fuzz={
            name: _number(f"--{name.replace('_', '-')}", get[name], int, 0, 10**15)
            for name in FUZZ_OPTIONS
            if get[name] not in (None, "")
        },
        fill_server=flags["fill_server"] or embedded,
        allow_auth_disabled=flags["allow_auth_disabled"],
        embedded_version=embedded_version,
        server_version=(get["server_version"] or "").strip(),
        tls=tls,
        embedded_tls=embedded_tls,
        embedded_standard_errors=flags["embedded_standard_errors"],
    )


def _max_users(text) -> int:
    """A case keeps up to 2 users alive at once (a process's share is never below that): fewer cannot
    run, so it is refused before anything starts."""
    from milvus_conformance.harness.cleanup import PER_PROCESS_MIN

    value = _number("--max-users", text, int, 1, 90)
    if value < PER_PROCESS_MIN:
        raise ConfigError(
            f"--max-users must be at least {PER_PROCESS_MIN} (a case keeps up to "
            f"{PER_PROCESS_MIN} users alive at once), got {value}"
        )
    return value


def _number(option: str, text, kind, lo, hi):
    try:
        value = kind(text)
    except (TypeError, ValueError):
        raise ConfigError(f"{option} must be a number, got {text!r}") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{option} must be between {lo} and {hi}, got {value}")
    return value


def _check_url(option: str, url: str, grpc: bool = False) -> str:
    if grpc and "://" not in url:
        url = f"http://{url}"  # pymilvus also accepts host:port
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"malformed {option} {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"malformed {option} {url!r}: expected http(s)://host[:port]")
    if parts.username or parts.password:
        raise ConfigError(f"{option} must not carry credentials: pass them with --token")
    if grpc and port is None:
        raise ConfigError(f"malformed {option} {url!r}: a gRPC URI needs a port")
    return url.rstrip("/")
