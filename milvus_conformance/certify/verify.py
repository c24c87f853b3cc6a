"""Check a bundle the way a reviewer's bot would, before a person looks at it. Each check returns
findings (one line each); no finding means the claim the bundle makes holds.

A claim holds when: every file matches the manifest's SHA-256 and nothing is added; results.json is a
valid, self-consistent results file; junit.xml says the same as results.json case by case (names,
statuses, counts); the profile files match the pinned hash and the run's profile; no requirement
failed; every skip is explained; the suite is this one or a named recent release; no file carries a
secret.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any, Callable

from milvus_conformance import __version__
from milvus_conformance.certify import skips
from milvus_conformance.certify.bundle import REPORTS, Bundle
from milvus_conformance.certify.environment import CATALOGUE_FILE, SPEC_FILE, chain_digest, sha256_bytes, sha256_file
from milvus_conformance.certify.secrets import scan
from milvus_conformance.contract.profiles import PROFILES_DIR
from milvus_conformance.reports.junit import render_junit
from milvus_conformance.reports.wording import WORDING
from milvus_conformance.results.io import consistency_problem, validation_problem
from milvus_conformance.results.model import RunResult, Status

# Earlier releases of this suite whose bundles this verifier still accepts (newest first).
RECENT_RELEASES: tuple[str, ...] = ()
MAX_PER_CHECK = 20  # a bundle with 300 failures says so in 20 lines and a count


def load_run(bundle: Bundle) -> tuple[RunResult | None, list[str]]:
    if "results.json" not in bundle.files:
        return None, ["results.json: missing from the bundle"]
    try:
        data = json.loads(bundle.files["results.json"].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [f"results.json: not valid JSON ({exc})"]
    problem = validation_problem(data)
    if problem:
        return None, [f"results.json: not a valid results file: {problem}"]
    try:
        run = RunResult.from_dict(data)
    except (TypeError, KeyError, ValueError) as exc:
        return None, [f"results.json: cannot load: {exc}"]
    problem = consistency_problem(data, run)
    return run, [f"results.json: inconsistent: {problem}"] if problem else []


def check_sums(bundle: Bundle, run: RunResult | None) -> list[str]:
    listed = bundle.manifest.get("files")
    if not isinstance(listed, dict):
        return ["manifest.json: no file list"]
    out = []
    for name in REPORTS:
        if name not in listed:
            out.append(f"manifest.json: does not list {name}, which every bundle holds")
    for name, entry in sorted(listed.items()):
        data = bundle.files.get(name)
        if data is None:
            out.append(f"{name}: listed in the manifest, missing from the bundle")
        elif not isinstance(entry, dict) or sha256_bytes(data) != entry.get("sha256"):
            out.append(
                f"{name}: SHA-256 {sha256_bytes(data)} does not match the manifest's "
                f"{entry.get('sha256') if isinstance(entry, dict) else entry!r}"
            )
    for name in sorted(set(bundle.files) - set(listed)):
        out.append(f"{name}: in the bundle but not in the manifest")
    return out


def _cases(root: ET.Element) -> dict[str, dict[str, Any]]:
    """case_id -> what a JUnit reader sees of it: name, class, outcome element, status property."""
    out: dict[str, dict[str, Any]] = {}
    for n, tc in enumerate(root.iter("testcase")):
        props = {p.get("name"): p.get("value") for p in tc.iter("property")}
        key = props.get("case_id") or f"{tc.get('classname')}::{tc.get('name')}#{n}"
        kinds = sorted(child.tag for child in tc if child.tag in ("failure", "error", "skipped"))
        out[key] = {
            "name": tc.get("name"),
            "classname": tc.get("classname"),
            "outcome": "+".join(kinds) or "passed",
            "status": props.get("status"),
        }
    return out


def check_junit(bundle: Bundle, run: RunResult) -> list[str]:
    """junit.xml against what results.json renders to: the same cases with the same outcomes and
    totals (rendering, not a second status table, so statuses added later are compared too)."""
    if "junit.xml" not in bundle.files:
        return ["junit.xml: missing from the bundle"]
    try:
        given = ET.fromstring(bundle.files["junit.xml"])
    except ET.ParseError as exc:
        return [f"junit.xml: not valid XML ({exc})"]
    expected = ET.fromstring(render_junit(run).encode("utf-8"))
    out = []
    for key in ("tests", "failures", "errors", "skipped"):
        if given.get(key) != expected.get(key):
            out.append(f"junit.xml: {key}={given.get(key)} but results.json gives {expected.get(key)}")
    held = sum(1 for _ in given.iter("testcase"))
    if str(held) != given.get("tests"):
        out.append(f"junit.xml: says tests={given.get('tests')} but holds {held} test cases")
    mine, theirs = _cases(given), _cases(expected)
    for case_id in sorted(set(theirs) - set(mine)):
        out.append(f"junit.xml: case {case_id} of results.json is missing")
    for case_id in sorted(set(mine) - set(theirs)):
        out.append(f"junit.xml: case {case_id} is not in results.json")
    for case_id in sorted(set(mine) & set(theirs)):
        for field in ("name", "classname", "outcome", "status"):
            if mine[case_id][field] != theirs[case_id][field]:
                out.append(
                    f"junit.xml: case {case_id} has {field} {mine[case_id][field]!r}, "
                    f"results.json {theirs[case_id][field]!r}"
                )
    return out


def check_profile(bundle: Bundle, run: RunResult) -> list[str]:
    profile = bundle.manifest.get("profile") or {}
    files = profile.get("files") or []
    if not files:
        return ["manifest.json: no profile recorded"]
    out, pairs = [], []
    for entry in files:
        data = bundle.files.get(entry.get("name", ""))
        if data is None:
            out.append(f"{entry.get('name')}: the profile file is missing from the bundle")
            continue
        if sha256_bytes(data) != entry.get("sha256"):
            out.append(f"{entry['name']}: SHA-256 does not match the pinned profile")
        pairs.append((entry["name"], sha256_bytes(data)))
    if not out and chain_digest(pairs) != profile.get("sha256"):
        out.append(
            f"profile: hash {chain_digest(pairs)} of the bundled files is not the pinned {profile.get('sha256')}"
        )
    out += _builtin_profile_changed(bundle, files)
    if profile.get("name") != run.target.profile:
        out.append(f"profile: the manifest names {profile.get('name')!r}, results.json {run.target.profile!r}")
    return out


def _builtin_profile_changed(bundle: Bundle, files: list[dict]) -> list[str]:
    """A bundle of this suite version whose profile files carry a built-in profile's file name must
    hold that file as shipped: a claim against a doctored `embedded.yaml` is not a claim against
    `embedded`. A vendor's own profile (another name) is pinned by its hash alone."""
    if (bundle.manifest.get("suite") or {}).get("version") != __version__:
        return []
    out = []
    for entry in files:
        shipped = PROFILES_DIR / entry.get("name", "").rsplit("/", 1)[-1]
        if shipped.is_file() and entry.get("sha256") != sha256_file(shipped):
            out.append(
                f"{entry['name']}: differs from the built-in profile {shipped.stem!r} of suite "
                f"{__version__} (a modified built-in profile; a profile of your own needs a name "
                f"of its own)"
            )
    return out


def check_verdict(bundle: Bundle, run: RunResult) -> list[str]:
    out = [f"harness error: {e}" for e in run.harness_errors]
    for req in run.requirements:
        status = run.requirement_status(req.id)
        if status.is_conformance_problem or status is Status.ERROR:
            bad = [c.case_id for c in run.cases if req.id in c.requirements and c.status is status]
            out.append(
                f"requirement {req.id} ({req.level}): {WORDING[status].word} in {len(bad)} "
                f"case(s), e.g. {bad[0] if bad else '-'}"
            )
    tier = (bundle.manifest.get("run") or {}).get("tier", "gate")
    for j in skips.unexplained(run.cases, tier):
        out.append(f"unexplained skip: {j.case.case_id}: {' '.join(j.case.message.split())[:160]}")
    for req_id in skips.uncovered_requirements(run.requirements, run.cases):
        out.append(f"requirement {req_id}: no case in this run")
    return out


def check_run_record(bundle: Bundle, run: RunResult) -> list[str]:
    """The manifest's account of the run agrees with results.json."""
    rec, target = bundle.manifest.get("run") or {}, bundle.manifest.get("target") or {}
    pairs = (
        ("run id", rec.get("run_id"), run.run_id),
        ("start", rec.get("started_at"), run.started_at),
        ("end", rec.get("finished_at"), run.finished_at),
        ("overall", rec.get("overall"), run.overall().value),
        ("counts", rec.get("counts"), run.counts()),
        ("server version", target.get("server_version"), run.target.server_version),
    )
    return [
        f"manifest.json: {what} {mine!r} but results.json says {theirs!r}"
        for what, mine, theirs in pairs
        if mine != theirs
    ]


def check_suite(bundle: Bundle, run: RunResult) -> list[str]:
    suite = bundle.manifest.get("suite") or {}
    version, out = suite.get("version"), []
    accepted = (__version__, *RECENT_RELEASES)
    if version not in accepted:
        out.append(
            f"suite: version {version!r} is neither this one ({__version__}) nor a recent "
            f"release this verifier accepts ({', '.join(RECENT_RELEASES) or 'none'})"
        )
    if run.tool_version != version:
        out.append(f"suite: results.json was written by {run.tool_version!r}, the manifest says {version!r}")
    if version == __version__:
        for what, key, path in (
            ("spec", "spec_sha256", SPEC_FILE),
            ("requirement catalogue", "catalogue_sha256", CATALOGUE_FILE),
        ):
            if suite.get(key) != sha256_file(path):
                out.append(
                    f"suite: the {what} the run used ({str(suite.get(key))[:12]}…) is not this "
                    f"suite's ({sha256_file(path)[:12]}…): a modified or different build of "
                    f"{version} (commit {suite.get('commit', 'unknown')})"
                )
    return out


def check_secrets(bundle: Bundle, run: RunResult | None) -> list[str]:
    files = dict(bundle.files)
    files["manifest.json"] = json.dumps(bundle.manifest).encode("utf-8")
    return [f for name, data in sorted(files.items()) for f in scan(name, data)]


CHECKS: tuple[Callable[[Bundle, RunResult], list[str]], ...] = (
    check_junit,
    check_profile,
    check_run_record,
    check_suite,
    check_verdict,
)


def _guarded(check, bundle: Bundle, run: RunResult | None) -> list[str]:
    """A hand-made manifest of the wrong shape is a finding, never a traceback."""
    try:
        return check(bundle, run)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return [f"manifest.json: malformed, {check.__name__} cannot read it ({type(exc).__name__}: {exc})"]


def verify(bundle: Bundle) -> list[str]:
    run, findings = load_run(bundle)
    findings += _guarded(check_sums, bundle, run) + _guarded(check_secrets, bundle, run)
    if run is not None:
        for check in CHECKS:
            found = _guarded(check, bundle, run)
            findings += found[:MAX_PER_CHECK]
            if len(found) > MAX_PER_CHECK:
                findings.append(f"... and {len(found) - MAX_PER_CHECK} more like these")
    return findings


def claim(bundle: Bundle) -> str:
    """What the bundle claims, in one line (printed when it holds)."""
    try:
        return _claim(bundle.manifest)
    except (KeyError, TypeError, AttributeError, ValueError):
        return "(the manifest is malformed: it cannot say what it claims)"


def _claim(m: dict) -> str:
    run, target, profile = m.get("run", {}), m.get("target", {}), m.get("profile", {})
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in (run.get("counts") or {}).items() if v)
    where = "embedded target" if target.get("embedded") else (target.get("base_url") or target.get("grpc_uri"))
    overall = run.get("overall", "")
    verdict = next((w.verdict for s, w in WORDING.items() if s.value == overall), overall)
    return (
        f"{verdict}: {where}, server {target.get('server_version') or 'unknown'}, profile "
        f"{profile.get('name')} (sha256 {str(profile.get('sha256'))[:16]}…), tier {run.get('tier')}, "
        f"suite {m.get('suite', {}).get('version')}; {counts}"
    )
