"""What a certified run records about where it ran: the suite (version, commit), the contract it
judged by (hashes of the spec, the requirement catalogue and the profile), the client library, the
times and the command line with every secret taken out."""

from __future__ import annotations

import hashlib

import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import yaml

from milvus_conformance import REPO_ROOT, __version__
from milvus_conformance.contract.profiles import profile_path
from milvus_conformance.settings import environment, suite_variables

SPEC_FILE = REPO_ROOT / "specs" / "openapi.yaml"
CATALOGUE_FILE = REPO_ROOT / "specs" / "requirements.yaml"
COMMIT_ENV = "CONFORMANCE_SUITE_COMMIT"  # set by action.yml: an installed copy has no .git
REDACTED = "***"
# options whose value is a secret, in whichever spelling (--token X, --token=X)
SECRET_OPTIONS = ("--token",)
SECRET_ENV = re.compile(r"TOKEN|PASSWORD|SECRET|API_?KEY", re.IGNORECASE)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(Path(path).read_bytes())


def profile_chain(ref: str) -> list[Path]:
    """The profile file a run loaded and every file it `extends`, the active one first."""
    chain, path = [], profile_path(ref)
    while path not in chain:
        chain.append(path)
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        parent = raw.get("extends") if isinstance(raw, dict) else None
        if not parent:
            break
        path = profile_path(str(parent), path.parent)
    return chain


def chain_digest(files: list[tuple[str, str]]) -> str:
    """One hash for a profile and what it extends: over `sha256  name` lines, active file first
    (`verify` recomputes it from the files in the bundle)."""
    return sha256_bytes("".join(f"{digest}  {name}\n" for name, digest in files).encode())


def suite_commit() -> dict[str, str]:
    """The git commit of the suite's own checkout (with `+dirty` for local changes), else what the
    caller says (CONFORMANCE_SUITE_COMMIT), else unknown."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        return {"commit": head + ("+dirty" if dirty else ""), "commit_source": "git"}
    except (OSError, subprocess.SubprocessError):
        given = (environment(COMMIT_ENV) or "").strip()
        return {"commit": given or "unknown", "commit_source": COMMIT_ENV if given else ""}


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def redact_command(argv: list[str], secrets: list[str]) -> list[str]:
    """The command line as run, each secret option's value and each known secret replaced."""
    out, hide_next = [], False
    for arg in argv:
        if hide_next:
            out.append(REDACTED)
            hide_next = False
            continue
        option = arg.split("=", 1)[0]
        if option in SECRET_OPTIONS:
            hide_next = "=" not in arg
            out.append(arg if hide_next else f"{option}={REDACTED}")
            continue
        for secret in secrets:
            if secret and len(secret) >= 3:
                arg = arg.replace(secret, REDACTED)
        out.append(arg)
    return out


def conformance_env(secrets: list[str]) -> dict[str, str]:
    """CONFORMANCE_* variables that shaped the run; secret ones by name only."""
    env = {}
    for name, value in suite_variables().items():
        if name != COMMIT_ENV:
            env[name] = REDACTED if SECRET_ENV.search(name) else redact_command([value], secrets)[0]
    return env


def suite_record() -> dict[str, str]:
    return {
        "name": "milvus-conformance",
        "version": __version__,
        **suite_commit(),
        "spec_sha256": sha256_file(SPEC_FILE),
        "catalogue_sha256": sha256_file(CATALOGUE_FILE),
    }


def runtime_record() -> dict[str, str]:
    return {
        "pymilvus": package_version("pymilvus"),
        "pytest": package_version("pytest"),
        "schemathesis": package_version("schemathesis"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "executable": Path(sys.executable).name,
    }
