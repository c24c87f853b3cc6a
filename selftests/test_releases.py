"""Choosing the embedded target's release, its profile, the unpack cache and matrix-run's exit status
(no server: the unpack cache is exercised on a package directory made here)."""

import hashlib
import lzma
from argparse import Namespace
from pathlib import Path

import pytest

from milvus_conformance.errors import ConfigError, EmbeddedStartError, ExitStatus
from milvus_conformance.harness.config import from_values
from milvus_conformance.matrix_run import ReleaseRun, _pytest_command, overall_status, parse_versions
from milvus_conformance.target.embedded import releases
from milvus_conformance.target.embedded.releases import Release


def test_default_release_and_profile():
    c = from_values({}, env={})
    assert c.embedded_version == releases.DEFAULT_VERSION == "2.3.5" and c.profile == "embedded"


def test_older_release_gets_its_own_profile_from_the_option_or_the_environment():
    assert from_values({"embedded_version": "2.2.16"}, env={}).profile == "embedded-2.2.16"
    c = from_values({}, env={"CONFORMANCE_EMBEDDED_VERSION": "v2.2.16"})
    assert c.embedded_version == "2.2.16" and c.profile == "embedded-2.2.16"
    # an explicit profile still wins
    assert from_values({"embedded_version": "2.2.16", "profile": "documented"}, env={}).profile == "documented"


def test_a_served_release_without_a_profile_of_its_own_falls_back_to_embedded():
    assert releases.release_profile("2.3.1") == "embedded"


@pytest.mark.parametrize(
    "values,match",
    [
        ({"embedded_version": "2.4.0"}, "unknown embedded release '2.4.0'"),
        ({"embedded_version": "latest"}, "malformed --embedded-version"),
        ({"embedded_version": "2.2.16", "base_url": "http://h:1", "token": "u:p"}, "embedded target only"),
    ],
)
def test_bad_release_is_one_line_exit_4(values, match):
    with pytest.raises(ConfigError, match=match) as info:
        from_values(values, env={})
    assert info.value.exit_status == ExitStatus.CONFIGURATION and "\n" not in str(info.value)


def test_uninstalled_release_without_install_is_a_start_error(tmp_path):
    with pytest.raises(EmbeddedStartError, match="not installed"):
        releases.resolve("2.2.4", tmp_path, install=False)


def _fake_release(tmp_path: Path) -> Release:
    """A package directory shaped like milvus's: data/bin/<name>.lzma."""
    bin_dir = tmp_path / "pkg" / "data" / "bin"
    bin_dir.mkdir(parents=True)
    for name, content in (("milvus", b"#!/bin/sh\necho hi\n"), ("libx.so", b"\x7fELF" * 100)):
        (bin_dir / f"{name}.lzma").write_bytes(lzma.compress(content, format=lzma.FORMAT_ALONE))
    return Release("2.2.16", tmp_path / "milvus-server", tmp_path / "pkg", tmp_path / "cache" / "bin")


def test_unpacked_once_and_linked_into_each_data_dir(tmp_path):
    release = _fake_release(tmp_path)
    assert not releases.is_unpacked(release)
    first, second = tmp_path / "data1", tmp_path / "data2"
    first.mkdir(), second.mkdir()
    release.link_binaries(first)
    stamp = (release.unpacked_dir / "milvus").stat().st_mtime_ns
    release.link_binaries(second)
    assert (release.unpacked_dir / "milvus").stat().st_mtime_ns == stamp, "unpacked once"
    for data in (first, second):
        assert (data / "bin").resolve() == release.unpacked_dir.resolve()
        assert (data / "bin" / "milvus").read_bytes() == b"#!/bin/sh\necho hi\n"
    # the wrapper's own check (milvus/__init__.py _initialize_data_files) finds every checksum current
    for packed in (release.package_dir / "data" / "bin").glob("*.lzma"):
        md5 = (release.unpacked_dir / (packed.name + ".md5")).read_text()
        assert md5 == hashlib.md5(packed.read_bytes()).hexdigest()
    assert not list(release.unpacked_dir.parent.glob(".unpacking-*")), "no work dir left behind"


def test_versions_are_run_in_version_order():
    assert parse_versions("2.3.5,2.2.16,2.2.9") == ["2.2.9", "2.2.16", "2.3.5"]
    with pytest.raises(ConfigError, match="twice"):
        parse_versions("2.3.5,2.3.5")


def test_smoke_and_given_paths_replace_the_whole_suite():
    args = Namespace(tier="gate", state_dir="s", smoke=False, pytest_args=["-k", "dup"])
    assert _pytest_command("2.2.16", args, Path("r"))[3] == "tests"
    args.pytest_args = ["tests/test_state.py"]
    cmd = _pytest_command("2.2.16", args, Path("r"))
    assert cmd.count("tests/test_state.py") == 1 and "tests" not in cmd
    args.smoke, args.pytest_args = True, []
    assert "tests/test_sdk_create_user.py" in _pytest_command("2.2.16", args, Path("r"))


@pytest.mark.parametrize(
    "statuses,overall",
    [
        ((0, 0), ExitStatus.CONFORMS),
        ((0, 1), ExitStatus.NONCONFORMANT),
        ((1, 3), ExitStatus.INFRASTRUCTURE),
        ((0, 4), ExitStatus.CONFIGURATION),
        ((0, 5), ExitStatus.CONFIGURATION),  # pytest: the selection matched no case
        ((1, 2), ExitStatus.INTERRUPTED),
    ],
)
def test_matrix_exit_status(statuses, overall):
    runs = [ReleaseRun(f"2.2.{n}", s, Path("x")) for n, s in enumerate(statuses)]
    assert overall_status(runs) == overall


def test_matrix_run_and_lookalikes_share_one_run_and_print(tmp_path, capsys):
    """run_and_render (matrix-run's and lookalikes'): runs in turn, stops after an interrupted one,
    prints each exit status under the caller's title; a harness error is one line, its status."""
    from milvus_conformance.errors import HarnessError
    from milvus_conformance.matrix_run import run_and_render

    statuses = {"2.2.16": 0, "2.3.5": 2, "2.4.0": 0}
    ran = []

    def run_one(name):
        ran.append(name)
        return ReleaseRun(name, statuses[name], tmp_path / name / "results.json")

    assert run_and_render(list(statuses), run_one, tmp_path, "Milvus {}") == ExitStatus.INTERRUPTED
    assert ran == ["2.2.16", "2.3.5"]
    assert capsys.readouterr().out == "=== matrix ===\nMilvus 2.2.16: exit 0\nMilvus 2.3.5: exit 2\n"
    assert run_and_render(["2.2.16"], run_one, tmp_path) == ExitStatus.CONFORMS
    assert capsys.readouterr().out == "=== matrix ===\n2.2.16: exit 0\n"

    def broken(name):
        raise HarnessError("the look-alike did not start")

    assert run_and_render(["x"], broken, tmp_path) == ExitStatus.INFRASTRUCTURE
    assert capsys.readouterr().err == "conformance: the look-alike did not start\n"
