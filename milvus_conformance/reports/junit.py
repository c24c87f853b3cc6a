"""junit.xml: the run as JUnit XML, for CI test tabs (GitLab, Jenkins, GitHub test reporters).

One <testsuite> per surface, one <testcase> per case. Known deviations are <skipped> with
type="known-deviation" so they never break a build yet stay visible with their source.
Run-level harness errors become <error> cases in a "harness" suite so the build fails on them;
harness warnings become <skipped> cases there (shown, not failing: the cases give the verdict).
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from milvus_conformance.results.model import CaseResult, RunResult, Status

# Characters XML 1.0 forbids even when escaped; a server echoing them must not break the file.
_XML_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_ATTR = 500  # failure messages are shown in one line by most CI UIs


def _xml_text(value: Any) -> str:
    return _XML_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def _attr(value: Any) -> str:
    text = " ".join(_xml_text(value).split())
    return text if len(text) <= _MAX_ATTR else text[: _MAX_ATTR - 1] + "…"


def _sub(parent: ET.Element, tag: str, **attrs: Any) -> ET.Element:
    return ET.SubElement(parent, tag, {k: _attr(v) for k, v in attrs.items()})


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def case_details(case: CaseResult) -> str:
    """The body of a <failure>/<error>/<skipped>: everything needed to reproduce the verdict."""
    parts = [case.message or "(no message)", "", f"case: {case.case_id}",
             f"requirements: {', '.join(case.requirements) or '-'}"]
    if case.deviation_source:
        parts.append(f"deviation declared in: {case.deviation_source}")
    parts += ["", "expected:", _json(case.expected), "", "observed:", _json(case.observed)]
    for n, ex in enumerate(case.exchanges, 1):
        parts += ["", f"exchange {n} ({ex.surface}) request:", _json(ex.request),
                  f"exchange {n} response:", _json(ex.response)]
        if ex.reproduction:
            parts += [f"exchange {n} reproduction:", ex.reproduction]
    return _xml_text("\n".join(parts))


def _add_case(suite: ET.Element, case: CaseResult) -> None:
    reqs = ", ".join(case.requirements)
    name = f"{case.name} [{reqs}]" if reqs else case.name
    tc = _sub(suite, "testcase", classname=case.operation, name=name, time=f"{case.duration_s:.3f}")
    props = ET.SubElement(tc, "properties")
    for req in case.requirements:
        _sub(props, "property", name="requirement", value=req)
    _sub(props, "property", name="case_id", value=case.case_id)
    _sub(props, "property", name="status", value=case.status.value)
    if case.deviation_source:
        _sub(props, "property", name="deviation_source", value=case.deviation_source)

    status = case.status
    if status is Status.FAIL:
        el = _sub(tc, "failure", type="conformance-failure", message=case.message)
    elif status is Status.UNEXPECTED_PASS:
        el = _sub(tc, "failure", type="unexpected-pass",
                  message=f"Unexpected pass: the profile declares a deviation "
                          f"({case.deviation_source or 'no source given'}) but the target "
                          f"follows the docs. {case.message}")
    elif status is Status.NOT_IMPLEMENTED:
        el = _sub(tc, "failure", type="not-implemented", message=case.message)
    elif status is Status.ERROR:
        el = _sub(tc, "error", type="harness-error", message=case.message)
    elif status is Status.KNOWN_DEVIATION:
        el = _sub(tc, "skipped", type="known-deviation",
                  message=f"Known deviation declared in {case.deviation_source or '(no source)'}: "
                          f"{case.message}")
    elif status.is_skip:
        el = _sub(tc, "skipped", type=status.value.replace("_", "-"), message=case.message)
    else:
        return
    el.text = case_details(case)


def _suite(root: ET.Element, name: str, run: RunResult, cases: list[CaseResult],
           harness_errors: list[str] = (), harness_warnings: list[str] = ()) -> ET.Element:
    counts = {s: sum(1 for c in cases if c.status is s) for s in Status}
    suite = _sub(
        root, "testsuite", name=name, tests=len(cases) + len(harness_errors) + len(harness_warnings),
        failures=counts[Status.FAIL] + counts[Status.UNEXPECTED_PASS] + counts[Status.NOT_IMPLEMENTED],
        errors=counts[Status.ERROR] + len(harness_errors),
        skipped=sum(n for s, n in counts.items() if s.is_skip) + counts[Status.KNOWN_DEVIATION]
        + len(harness_warnings),
        time=f"{sum(c.duration_s for c in cases):.3f}", timestamp=run.started_at,
        hostname=run.target.base_url or run.target.grpc_uri or "unknown",
    )
    props = ET.SubElement(suite, "properties")
    t = run.target
    for key, value in (("run_id", run.run_id), ("profile", t.profile), ("base_url", t.base_url),
                       ("grpc_uri", t.grpc_uri), ("server_version", t.server_version),
                       ("embedded", str(t.embedded).lower()), ("tool_version", run.tool_version),
                       ("spec_version", run.spec_version), ("tls", t.tls_note or "none")):
        _sub(props, "property", name=key, value=value)
    for case in cases:
        _add_case(suite, case)
    for n, message in enumerate(harness_errors, 1):
        tc = _sub(suite, "testcase", classname="harness", name=f"harness error {n}", time="0.000")
        _sub(tc, "error", type="harness-error", message=message).text = _xml_text(message)
    for n, message in enumerate(harness_warnings, 1):   # shown by CI, does not fail the build
        tc = _sub(suite, "testcase", classname="harness", name=f"harness warning {n}", time="0.000")
        _sub(tc, "skipped", type="harness-warning", message=message).text = _xml_text(message)
    return suite


def render_junit(run: RunResult) -> str:
    root = ET.Element("testsuites", {"name": "milvus-conformance"})
    by_surface: dict[str, list[CaseResult]] = {}
    for case in run.cases:
        by_surface.setdefault(case.surface, []).append(case)
    suites = [_suite(root, surface, run, cases) for surface, cases in sorted(by_surface.items())]
    errors = list(run.harness_errors)
    if run.interruption:   # a partial run fails the build: it is not a verdict
        errors.insert(0, f"run interrupted ({run.interruption.summary()}): no verdict")
    if errors or run.harness_warnings:
        suites.append(_suite(root, "harness", run, [], errors, run.harness_warnings))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key)) for s in suites)))
    root.set("time", f"{sum(c.duration_s for c in run.cases):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
