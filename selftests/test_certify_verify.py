"""--certify and `milvus-conformance verify` on bundles built in code: a good bundle holds; each kind
of tampering (a changed byte, a missing case, an inserted secret, a swapped profile, another suite
version, a failed requirement) is found and named in one line; a file that is not a bundle is exit 4;
certify refuses unexplained skips and narrowed runs."""

from __future__ import annotations

import io
import json
import re
import tarfile
import xml.etree.ElementTree as ET

import pytest

from milvus_conformance.certify.bundle import BUNDLE_NAME, read_bundle
from milvus_conformance.certify.environment import redact_command
from milvus_conformance.certify.skips import is_verdict
from milvus_conformance.certify.verify import verify
from milvus_conformance.cli import main
from milvus_conformance.results.model import Status
from selftests.certify_support import TOKEN, case, certify_run, make_run, rewrite


@pytest.fixture
def bundle(tmp_path):
    outcome = certify_run(make_run(), tmp_path / "reports")
    assert outcome.refusals == [] and outcome.bundle == tmp_path / "reports" / BUNDLE_NAME
    return outcome.bundle


def _verify(path, capsys) -> tuple[int, list[str]]:
    status = main(["verify", str(path)])
    return status, capsys.readouterr().out.splitlines()


def test_a_certified_bundle_holds(bundle, capsys):
    status, lines = _verify(bundle, capsys)
    assert status == 0, lines
    assert lines == [lines[0]] and lines[0].startswith("verify: the claim holds: CONFORMS (with known deviations)")
    manifest = read_bundle(bundle).manifest
    assert manifest["certification"]["skips"] == {"outside the certified tier": 1, "stated by the profile": 1}
    assert [c["kept_as"] for c in manifest["certification"]["skipped_cases"]] == [
        "stated by the profile",
        "outside the certified tier",
    ]
    assert set(manifest["files"]) >= {
        "results.json",
        "junit.xml",
        "report.html",
        "summary.md",
        "profile/embedded.yaml",
        "profile/documented.yaml",
    }
    assert manifest["profile"]["files"][0] == {
        "name": "profile/embedded.yaml",
        "role": "active",
        "sha256": manifest["files"]["profile/embedded.yaml"]["sha256"],
    }
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["profile"]["sha256"])
    assert manifest["run"]["command"] == ["pytest", "tests", "--certify", "--token", "***"]
    assert manifest["runtime"]["pymilvus"] == "3.0.2"
    for key in ("version", "commit", "spec_sha256", "catalogue_sha256"):
        assert manifest["suite"][key]


def test_verify_writes_its_outcome_as_json(bundle, tmp_path, capsys):
    def flip(files, manifest):
        files["summary.md"] += b" "

    assert main(["verify", str(rewrite(bundle, flip, resum=False)), "--json", str(tmp_path / "v.json")]) == 1
    outcome = json.loads((tmp_path / "v.json").read_text())
    assert outcome["holds"] is False and outcome["is_bundle"] is True and outcome["exit_status"] == 1
    assert len(outcome["findings"]) == 1 and outcome["findings"][0].startswith("summary.md: SHA-256 ")


def test_a_changed_byte_is_found(bundle, capsys):
    def flip(files, manifest):
        data = bytearray(files["report.html"])
        data[len(data) // 2] ^= 0x01
        files["report.html"] = bytes(data)

    status, lines = _verify(rewrite(bundle, flip, resum=False), capsys)
    assert status == 1
    assert any(line.startswith("verify: report.html: SHA-256 ") for line in lines), lines
    assert len(lines) == 2  # exactly that finding, and the closing line


def test_a_case_missing_from_junit_is_found_even_with_fixed_sums(bundle, capsys):
    def drop_case(files, manifest):
        root = ET.fromstring(files["junit.xml"])
        suite = next(root.iter("testsuite"))
        suite.remove(next(suite.iter("testcase")))
        files["junit.xml"] = ET.tostring(root)

    status, lines = _verify(rewrite(bundle, drop_case), capsys)
    assert status == 1
    assert any("junit.xml: case tests/test_x.py::test_case[" in line and "is missing" in line for line in lines)
    assert "verify: junit.xml: says tests=398 but holds 397 test cases" in lines or any(
        re.fullmatch(r"verify: junit.xml: says tests=(\d+) but holds \d+ test cases", ln) for ln in lines
    ), lines


def test_a_status_changed_in_results_alone_is_found(bundle, capsys):
    def hide_failure(files, manifest):  # a failure rewritten as a pass in junit.xml only
        files["junit.xml"] = files["junit.xml"].replace(
            b'name="status" value="known_deviation"', b'name="status" value="pass"'
        )

    status, lines = _verify(rewrite(bundle, hide_failure), capsys)
    assert status == 1 and any("has status 'pass', results.json 'known_deviation'" in ln for ln in lines)


@pytest.mark.parametrize(
    "secret",
    [
        "Authorization: Bearer root:Milvus",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n",
        '{"password": "hunter2hunter2"}',
        "pytest tests --token=s3cr3t:tok",
    ],
)
def test_an_inserted_secret_is_found(bundle, capsys, secret):
    def insert(files, manifest):
        files["summary.md"] += ("\n" + secret + "\n").encode()

    status, lines = _verify(rewrite(bundle, insert), capsys)
    assert status == 1
    assert [ln for ln in lines if ln.startswith("verify: summary.md: contains ")], lines
    assert not any(s in "\n".join(lines) for s in ("root:Milvus", "hunter2", "s3cr3t", "MIIEv"))


def test_a_swapped_profile_is_found(bundle, capsys):
    def swap(files, manifest):
        files["profile/embedded.yaml"] = files["profile/embedded.yaml"].replace(b"value: 72,", b"value: 99,")

    status, lines = _verify(rewrite(bundle, swap), capsys)
    assert status == 1 and any("profile/embedded.yaml: SHA-256 does not match the pinned profile" in ln for ln in lines)


def test_a_doctored_built_in_profile_is_found_even_when_pinned(bundle, capsys):
    def doctor(files, manifest):  # the forger re-pins too: only the shipped profile tells
        files["profile/embedded.yaml"] = files["profile/embedded.yaml"].replace(b"value: 72,", b"value: 99,")
        from milvus_conformance.certify.environment import chain_digest, sha256_bytes

        entries = [{**e, "sha256": sha256_bytes(files[e["name"]])} for e in manifest["profile"]["files"]]
        manifest["profile"] = {
            **manifest["profile"],
            "files": entries,
            "sha256": chain_digest([(e["name"], e["sha256"]) for e in entries]),
        }

    status, lines = _verify(rewrite(bundle, doctor), capsys)
    assert status == 1 and lines[0].startswith(
        "verify: profile/embedded.yaml: differs from the built-in profile 'embedded' of suite"
    ), lines


def test_a_malformed_manifest_is_a_finding_not_a_traceback(bundle, capsys):
    def garble(files, manifest):
        manifest["profile"] = {"files": ["not", "a", "mapping"]}
        manifest["run"] = "nothing"

    status, lines = _verify(rewrite(bundle, garble), capsys)
    assert status == 1 and any(
        ln.startswith("verify: manifest.json: malformed, check_profile cannot read it") for ln in lines
    ), lines


def test_another_suite_version_is_found(bundle, capsys):
    def old(files, manifest):
        manifest["suite"] = {**manifest["suite"], "version": "0.0.1"}

    status, lines = _verify(rewrite(bundle, old), capsys)
    assert status == 1 and any("suite: version '0.0.1' is neither this one" in ln for ln in lines)


def test_a_failed_requirement_is_listed(tmp_path, capsys):
    run = make_run()
    run.cases[3].status = Status.FAIL
    outcome = certify_run(run, tmp_path)
    assert outcome.bundle is not None  # a non-conforming run still gets its bundle
    status, lines = _verify(outcome.bundle, capsys)
    assert status == 1
    assert lines[0] == (
        f"verify: requirement {run.cases[3].requirements[0]} "
        f"({run.requirements[3].level}): fail in 1 case(s), e.g. {run.cases[3].case_id}"
    )


def test_certify_refuses_an_unexplained_skip(tmp_path):
    run = make_run([case(950, "USER-CREATE-SEMANTICS", Status.SKIP, "opt-in: --fill-server")])
    outcome = certify_run(run, tmp_path)
    assert outcome.bundle is None and not (tmp_path / BUNDLE_NAME).exists()
    assert outcome.refusals == [
        "1 skipped case(s) the profile does not explain: tests/test_x.py::test_case[950] (opt-in: --fill-server)"
    ]


def test_certify_refuses_a_narrowed_run_and_a_run_without_verdict(tmp_path):
    run = make_run(drop_requirement="USER-CREATE-DUPLICATE")
    refusals = certify_run(run, tmp_path, exit_status=3).refusals
    assert refusals[0].startswith("the run has no verdict (exit status 3)")
    assert "USER-CREATE-DUPLICATE" in refusals[1]


def test_verify_finds_a_run_the_bundle_did_not_certify(bundle, capsys):
    def forge(files, manifest):  # an unexplained skip smuggled into a certified bundle
        data = json.loads(files["results.json"])
        data["cases"][0]["status"], data["cases"][0]["message"] = "skip", "read-only mode: this case creates users"
        from milvus_conformance.results.model import RunResult
        from milvus_conformance.reports.junit import render_junit

        run = RunResult.from_dict(data)
        files["results.json"] = json.dumps(run.to_dict()).encode()
        files["junit.xml"] = render_junit(run).encode()
        manifest["run"] = {**manifest["run"], "counts": run.counts()}

    status, lines = _verify(rewrite(bundle, forge), capsys)
    assert status == 1
    assert any(ln.startswith("verify: unexplained skip: tests/test_x.py::test_case[0]: read-only mode") for ln in lines)


def _tar(path, members: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda d: (d / "x.txt").write_text("hello") and d / "x.txt",
        lambda d: _tar(d / "b.tar.gz", {"results.json": b"{}"}),
        lambda d: _tar(d / "b.tar.gz", {"manifest.json": b'{"schema": "something/else"}'}),
        lambda d: _tar(
            d / "b.tar.gz", {"manifest.json": b'{"schema": "milvus-conformance/bundle/v1"}', "../escape": b"x"}
        ),
        lambda d: d / "missing.tar.gz",
    ],
)
def test_not_a_bundle_is_exit_4(tmp_path, capsys, make):
    status, lines = _verify(make(tmp_path), capsys)
    assert status == 4 and len(lines) == 1 and lines[0].startswith("verify: not a bundle: ")


def test_the_command_line_is_redacted():
    assert redact_command(
        ["pytest", "--token", TOKEN, f"--token={TOKEN}", f"x{TOKEN}y", "--tier", "gate"], [TOKEN]
    ) == ["pytest", "--token", "***", "--token=***", "x***y", "--tier", "gate"]


def test_verify_agrees_with_itself_on_every_status(tmp_path):
    """Every status of the model goes through certify and verify (statuses added later too)."""
    extra = [
        case(
            960 + n,
            "USER-CREATE-SEMANTICS",
            s,
            "as the profile declares" if is_verdict(s) else "profile embedded does not cover user_cap on rest",
        )  # a skip the profile explains
        for n, s in enumerate(Status)
        if s is not Status.ERROR
    ]
    outcome = certify_run(make_run(extra), tmp_path)
    findings = verify(read_bundle(outcome.bundle))
    assert not [f for f in findings if f.startswith(("junit.xml", "manifest.json", "results.json"))], findings
