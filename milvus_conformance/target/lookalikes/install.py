"""Installs a look-alike on first use into `<state dir>/lookalikes/<name>/venv` (its own interpreter:
milvus-lite's pins differ from the project's), exactly pinned, and reuses it after that."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from milvus_conformance.errors import EmbeddedStartError
from milvus_conformance.target.embedded.releases import INSTALL_TIMEOUT_S, _last_error_line, _locked
from milvus_conformance.target.lookalikes.catalogue import Lookalike


def home(state_dir: Path, la: Lookalike) -> Path:
    return Path(state_dir).resolve() / "lookalikes" / la.name


def python_of(state_dir: Path, la: Lookalike) -> Path:
    return home(state_dir, la) / "venv" / "bin" / "python"


def installed(state_dir: Path, la: Lookalike) -> bool:
    venv = home(state_dir, la) / "venv"
    try:
        return json.loads((venv / "installed.json").read_text())["pins"] == list(la.pins)
    except (OSError, ValueError, KeyError):
        return False


def ensure_installed(state_dir: Path, la: Lookalike) -> Path:
    """The look-alike's interpreter, installing it on first use (needs PyPI)."""
    venv = home(state_dir, la) / "venv"
    if installed(state_dir, la):
        return venv / "bin" / "python"
    with _locked(venv.parent / "install.lock"):
        if installed(state_dir, la):
            return venv / "bin" / "python"
        shutil.rmtree(venv, ignore_errors=True)
        steps = (
            [sys.executable, "-m", "venv", "--without-pip", str(venv)],
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
                *la.pins,
            ],
        )
        for step in steps:
            try:
                done = subprocess.run(
                    step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, stdin=subprocess.DEVNULL
                )
            except subprocess.TimeoutExpired:
                raise EmbeddedStartError(f"installing {la.name} took over {INSTALL_TIMEOUT_S} s") from None
            if done.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                raise EmbeddedStartError(
                    f"could not install {la.name} from PyPI into {venv}: {_last_error_line(done.stderr or done.stdout)}"
                )
        (venv / "installed.json").write_text(json.dumps({"name": la.name, "pins": list(la.pins)}))
    return venv / "bin" / "python"


def package_dir(python: Path) -> Path:
    """Where the installed `milvus_lite` package lives (its lib/ holds 2.5.1's server binary)."""
    done = subprocess.run(
        [str(python), "-I", "-c", "import importlib.util as u; print(u.find_spec('milvus_lite').origin)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        raise EmbeddedStartError(f"the look-alike at {python.parent.parent} is broken: {_last_error_line(done.stderr)}")
    return Path(done.stdout.strip()).parent
