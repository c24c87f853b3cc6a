"""reports/bundle.tar.gz: a certified run's reports, the profile it used and manifest.json (the
SHA-256 of every other file, and the environment). One writer, one reader, shared by `--certify`
and `verify` so that both agree on the layout."""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milvus_conformance.certify.environment import chain_digest, sha256_bytes

BUNDLE_NAME = "bundle.tar.gz"
BUNDLE_SCHEMA = "milvus-conformance/bundle/v1"
MANIFEST = "manifest.json"
REPORTS = ("results.json", "junit.xml", "report.html", "summary.md")
OPTIONAL_REPORTS = ("parity.md",)
PROFILE_DIR = "profile"
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a bundle is reports and YAML: anything bigger is not one
MAX_MEMBERS = 64
MAX_TOTAL_BYTES = 256 * 1024 * 1024


class NotABundle(ValueError):
    """The file is not a bundle at all (not a tar.gz, no manifest, unsafe members): exit 4."""


@dataclass
class Bundle:
    manifest: dict[str, Any]
    files: dict[str, bytes]  # member name -> content, the manifest excluded

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8", errors="replace")


def profile_names(chain: list[Path]) -> list[str]:
    """profile/<file name>, numbered when two files of the chain share a name."""
    names = [path.name for path in chain]
    return [f"{PROFILE_DIR}/{name if names.count(name) == 1 else f'{n}-{name}'}" for n, name in enumerate(names)]


def profile_members(chain: list[Path]) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in zip(profile_names(chain), chain)}


def profile_record(choice, chain: list[Path]) -> dict[str, Any]:
    files = [(name, sha256_bytes(path.read_bytes())) for name, path in zip(profile_names(chain), chain)]
    return {
        "name": choice.name,
        "requested": choice.requested,
        "resolved_for": choice.version,
        "version_source": choice.version_source,
        "sha256": chain_digest(files),
        "files": [
            {"name": name, "sha256": digest, "role": "active" if n == 0 else "extended"}
            for n, (name, digest) in enumerate(files)
        ],
    }


def build_manifest(files: dict[str, bytes], **sections: Any) -> dict[str, Any]:
    sums = {name: {"sha256": sha256_bytes(data), "bytes": len(data)} for name, data in sorted(files.items())}
    return {"schema": BUNDLE_SCHEMA, "files": sums, **sections}


def write_bundle(path: Path, files: dict[str, bytes], manifest: dict[str, Any], mtime: float = 0) -> Path:
    """manifest.json first, then the files in name order; written to a temporary name and renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    members = {MANIFEST: (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")}
    members.update(sorted(files.items()))
    with tarfile.open(tmp, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(mtime), 0o644
            tar.addfile(info, io.BytesIO(data))
    tmp.replace(path)
    return path


def read_bundle(path: str | Path) -> Bundle:
    """Every member read into memory (nothing extracted); NotABundle for anything that is not one."""
    try:
        tar = tarfile.open(path, "r:*")
    except FileNotFoundError:
        raise NotABundle(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NotABundle(f"{path}: is a directory") from None
    except (tarfile.TarError, OSError, EOFError):
        raise NotABundle(f"{path}: not a tar.gz archive") from None
    files: dict[str, bytes] = {}
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise NotABundle(f"{path}: damaged archive ({' '.join(str(exc).split())})") from None
        if len(members) > MAX_MEMBERS:
            raise NotABundle(f"{path}: {len(members)} members, more than a bundle holds")
        if sum(m.size for m in members) > MAX_TOTAL_BYTES:
            raise NotABundle(f"{path}: more than {MAX_TOTAL_BYTES} bytes in all, more than a bundle holds")
        for m in members:
            if not m.isfile() or m.name.startswith("/") or ".." in Path(m.name).parts:
                raise NotABundle(f"{path}: unsafe or unexpected member {m.name!r}")
            if m.size > MAX_MEMBER_BYTES:
                raise NotABundle(f"{path}: member {m.name!r} is {m.size} bytes, more than a bundle holds")
            if m.name in files:
                raise NotABundle(f"{path}: member {m.name!r} appears twice")
            try:
                files[m.name] = tar.extractfile(m).read()
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise NotABundle(f"{path}: damaged member {m.name!r} ({exc})") from None
    raw = files.pop(MANIFEST, None)
    if raw is None:
        raise NotABundle(f"{path}: no {MANIFEST}: not a conformance bundle")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotABundle(f"{path}: {MANIFEST} is not JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("schema") != BUNDLE_SCHEMA:
        raise NotABundle(f"{path}: {MANIFEST} is not a {BUNDLE_SCHEMA} manifest")
    return Bundle(manifest, files)
