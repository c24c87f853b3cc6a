"""Which Milvus release the embedded target runs, where its server package lives, and one unpacked
copy of its binaries per release.

The default release (2.3.5) is the project's own dependency. Another release cannot share the
project's environment (same package name, `milvus`), so it is installed on first use, pinned exactly,
into a virtual environment of its own under `<state dir>/releases/<version>/venv` and reused after
that. The `milvus-server` wrapper unpacks about 56 MB of LZMA-compressed binaries into every fresh
data directory (about 3 s of a start); here they are unpacked once per release (beside its
installation: `<state dir>/releases/<version>/bin`, and `.venv/milvus-unpacked/2.3.5/bin` for the
default release), and each run's data directory links to that copy.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from milvus_conformance.contract.profiles import PROFILES_DIR
from milvus_conformance.errors import ConfigError, EmbeddedStartError

DEFAULT_VERSION = "2.3.5"
PACKAGE = "milvus"
# Releases PyPI serves for the `milvus` package (CF section 7: 2.2.4-2.2.16, 2.3.0-2.3.5; 2.3.6+ absent).
SERVED = tuple(f"2.2.{n}" for n in range(4, 17)) + tuple(f"2.3.{n}" for n in range(0, 6))
# Started here and run through the suite (README "Real releases"); the others may run, unverified.
KNOWN_TO_RUN = ("2.2.16", "2.3.4", "2.3.5")
INSTALL_TIMEOUT_S = 600
_VERSION_FORMAT = re.compile(r"\d+\.\d+\.\d+")


@dataclass(frozen=True)
class Release:
    """One installed release of the `milvus` server package."""

    version: str
    server_exe: Path  # its `milvus-server` wrapper
    package_dir: Path  # its `milvus` package (data/bin/*.lzma)
    unpacked_dir: Path  # where its binaries are unpacked once

    def link_binaries(self, data_dir: Path) -> None:
        """Give a fresh data directory the release's unpacked binaries (unpacking them on first use).
        The wrapper then finds every binary's checksum current and unpacks nothing."""
        ensure_unpacked(self)
        (data_dir / "bin").symlink_to(self.unpacked_dir, target_is_directory=True)


def check_version(text: str) -> str:
    """The release to run, or ConfigError (exit 4) naming what is available."""
    version = text.strip().removeprefix("v")
    if not _VERSION_FORMAT.fullmatch(version):
        raise ConfigError(f"malformed --embedded-version {text!r}: expected a release like 2.2.16")
    if version not in SERVED:
        raise ConfigError(
            f"unknown embedded release {version!r}: PyPI's milvus package serves "
            f"{SERVED[0]}-2.2.16 and 2.3.0-{SERVED[-1]}; known to run here: {', '.join(KNOWN_TO_RUN)}"
        )
    return version


def choose_release(text: str | None, embedded: bool) -> str:
    """--embedded-version: the default when not given; only meaningful for the embedded target."""
    if not text:
        return DEFAULT_VERSION
    if not embedded:
        raise ConfigError(
            "--embedded-version applies to the embedded target only; a given target "
            "(--base-url/--grpc-uri) is never started"
        )
    return check_version(text)


def release_profile(version: str) -> str:
    """The profile of a release's server core behind the gateway: `embedded` is 2.3.5's."""
    if version != DEFAULT_VERSION and (PROFILES_DIR / f"embedded-{version}.yaml").is_file():
        return f"embedded-{version}"
    return "embedded"


def embedded_profile(version: str, standard_errors: bool = False) -> str:
    """The embedded target's own profile: its release's, or `embedded-standard-errors` when the
    gateway serves standard HTTP error statuses (--embedded-standard-errors) over 2.3.5."""
    profile = release_profile(version)
    return "embedded-standard-errors" if standard_errors and profile == "embedded" else profile


def release_dir(state_dir: Path, version: str) -> Path:
    return Path(state_dir).resolve() / "releases" / version


def resolve(version: str, state_dir: Path, install: bool = True) -> Release:
    """The installed release, installing a non-default one on first use (needs PyPI)."""
    version = check_version(version)
    home = release_dir(state_dir, version)
    if version == DEFAULT_VERSION:
        return _project_release(home)
    venv = home / "venv"
    if not _installed(venv, version):
        if not install:
            raise EmbeddedStartError(f"Milvus {version} is not installed under {home}")
        _install(venv, version)
    return Release(version, venv / "bin" / "milvus-server", _package_dir(venv / "bin" / "python"), home / "bin")


def _project_release(home: Path) -> Release:
    exe = Path(sys.executable).with_name("milvus-server")
    found = exe if exe.exists() else (Path(shutil.which("milvus-server") or ""))
    try:
        import milvus  # the project's own dependency: pinned in pyproject.toml
    except ImportError:
        milvus = None
    if milvus is None or not found.name or getattr(milvus, "__version__", "") != DEFAULT_VERSION:
        raise EmbeddedStartError(
            f"the embedded target needs the PyPI package milvus=={DEFAULT_VERSION} in the project's "
            "environment (pip install -e '.[embedded]')"
        )
    # The unpacked copy lives beside the package it comes from (the project's environment), so every
    # state dir - also the throw-away ones of self-tests, kill-rate runs and the bench - shares it.
    beside = Path(sys.prefix) / "milvus-unpacked" / DEFAULT_VERSION
    cache = beside if os.access(sys.prefix, os.W_OK) else home
    return Release(DEFAULT_VERSION, found, Path(milvus.__file__).parent, cache / "bin")


def _installed(venv: Path, version: str) -> bool:
    marker = venv / "installed.json"
    try:
        return json.loads(marker.read_text())["version"] == version and (venv / "bin" / "milvus-server").exists()
    except (OSError, ValueError, KeyError):
        return False


@contextmanager
def _locked(path: Path):
    """One installer/unpacker per release at a time (parallel runs share the state dir)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _install(venv: Path, version: str) -> None:
    with _locked(venv.parent / "install.lock"):
        if _installed(venv, version):
            return
        shutil.rmtree(venv, ignore_errors=True)
        steps = (
            [sys.executable, "-m", "venv", "--without-pip", str(venv)],
            # the project's pip installs into the release's interpreter: no pip inside that venv
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(venv / "bin" / "python"),
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-input",
                f"{PACKAGE}=={version}",
            ],
        )
        for step in steps:
            try:
                done = subprocess.run(
                    step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, stdin=subprocess.DEVNULL
                )
            except subprocess.TimeoutExpired:
                raise EmbeddedStartError(f"installing milvus=={version} took over {INSTALL_TIMEOUT_S} s") from None
            if done.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                raise EmbeddedStartError(
                    f"could not install milvus=={version} from PyPI into {venv}: "
                    f"{_last_error_line(done.stderr or done.stdout)}"
                )
        (venv / "installed.json").write_text(json.dumps({"package": PACKAGE, "version": version}))


def _last_error_line(text: str) -> str:
    lines = [
        ln.strip()
        for ln in text.splitlines()
        if ln.strip() and "is ignored: it is neither a file nor a directory" not in ln
    ]
    errors = [ln for ln in lines if ln.startswith("ERROR")]
    return (errors or lines or ["(no output)"])[-1]


def _package_dir(python: Path) -> Path:
    done = subprocess.run(
        [str(python), "-I", "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        raise EmbeddedStartError(
            f"the installed release at {python.parent.parent} is broken: {_last_error_line(done.stderr)}"
        )
    return Path(done.stdout.strip()).parent


# ---- the unpack cache ---------------------------------------------------------------------------
def _lzma_files(release: Release) -> list[Path]:
    return sorted((release.package_dir / "data" / "bin").glob("*.lzma"))


def _checksum_file(bin_dir: Path, lzma_file: Path) -> Path:
    # the wrapper's own convention (milvus/__init__.py _initialize_data_files): <name>.lzma.md5
    return bin_dir / (lzma_file.name + ".md5")


def is_unpacked(release: Release) -> bool:
    stamp = release.unpacked_dir / "unpacked.json"
    return stamp.exists() and all(_checksum_file(release.unpacked_dir, f).exists() for f in _lzma_files(release))


def ensure_unpacked(release: Release) -> None:
    if is_unpacked(release):
        return
    with _locked(release.unpacked_dir.parent / "unpack.lock"):
        if is_unpacked(release):
            return
        release.unpacked_dir.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=release.unpacked_dir.parent))
        try:
            for packed in _lzma_files(release):
                target = work / packed.name[: -len(".lzma")]
                with lzma.open(packed) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                target.chmod(0o755)
                _checksum_file(work, packed).write_text(hashlib.md5(packed.read_bytes()).hexdigest())
            (work / "unpacked.json").write_text(json.dumps({"version": release.version}))
            shutil.rmtree(release.unpacked_dir, ignore_errors=True)
            os.replace(work, release.unpacked_dir)  # readers never see a half-unpacked copy
        finally:
            shutil.rmtree(work, ignore_errors=True)
