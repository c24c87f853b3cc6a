"""TLS against the REAL embedded target (Milvus 2.3.5 with --tls-mode 1|2, the gateway over HTTPS):
every failure mode of a TLS connection is one line and exit 3 within 15 s, the gate tier's REST and
SDK smoke passes over mutual TLS (options of a given target) and over one-way TLS (--embedded-tls),
plain clients are refused, and no report holds a certificate, a key or the token.

The scenarios run once, in a process of their own (tls_scenarios.py), with servers of their own beside
the selftests' shared plain Milvus.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from milvus_conformance.errors import ExitStatus

HERE = Path(__file__).resolve().parent
TIME_BOUND_S = 15.0
FAILURES = {  # failure mode -> what its one line must say (cause and the option that fixes it)
    "untrusted": ("is not trusted", "--ca-cert"),
    "name-mismatch": ("is not valid for 'wrong.example': it names localhost, 127.0.0.1", "--tls-server-name"),
    "client-cert-missing": ("requires a client certificate", "--client-cert and --client-key"),
    "client-cert-refused": ("refused the client certificate", "--client-cert/--client-key"),
    "http-against-tls": ("serves TLS, not plain http", "use https://"),
    "https-against-plain": ("does not serve TLS", "use http://"),
}
PEM_MARKERS = ("-----BEGIN", "PRIVATE KEY-----", "CERTIFICATE-----")


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("tls")
    out = work / "scenarios.json"
    command = [sys.executable, str(HERE / "tls_scenarios.py"), str(out), str(work)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0 and out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.parametrize("surface", ["rest", "grpc"])
@pytest.mark.parametrize("mode", sorted(FAILURES))
def test_failure_is_one_line_within_the_time_bound(scenarios, mode, surface):
    """The time bound is on what the tool waits (start and preflight, in-process): the wall time of
    a whole pytest process on a shared machine is mostly interpreter start-up and imports."""
    cause, fix = FAILURES[mode]
    found = scenarios["preflight"][f"{mode}/{surface}"]
    assert found["status"] == ExitStatus.INFRASTRUCTURE, found
    assert found["error"].startswith("TLS: ") and cause in found["error"] and fix in found["error"], found
    assert "\n" not in found["error"]
    assert found["seconds"] < TIME_BOUND_S, found


@pytest.mark.parametrize("name", [f"{mode}/rest" for mode in sorted(FAILURES)] + ["untrusted/grpc"])
def test_failure_as_the_whole_suite_exits_3_with_that_line(scenarios, name):
    run = scenarios["runs"][name]
    cause, fix = FAILURES[name.split("/")[0]]
    assert run["rc"] == ExitStatus.INFRASTRUCTURE, run["lines"][-20:]
    # pytest shows the exit message twice (its "Exit:" line and the session banner): one message
    assert run["lines"] and all(
        "conformance: TLS: " in line and cause in line and fix in line for line in run["lines"]
    ), run["lines"]
    assert len({line[line.index("conformance: ") :].rstrip(" !") for line in run["lines"]}) == 1


@pytest.mark.parametrize("name", ["smoke/mutual", "smoke/one-way"])
def test_gate_smoke_passes_over_tls_on_both_surfaces(scenarios, name):
    run = scenarios["runs"][name]
    assert run["rc"] == ExitStatus.CONFORMS, "\n".join(run["lines"][-40:])
    results = json.loads((Path(run["reports"]) / "results.json").read_text())
    assert results["target"]["base_url"].startswith("https://")
    assert results["target"]["grpc_uri"].startswith("https://")
    assert results["target"]["tls"]["mode"] == name.split("/")[1]
    assert results["target"]["tls"]["verification"] == "enabled"
    if name == "smoke/mutual":
        assert results["target"]["tls"]["server_name"] == "localhost" and "127.0.0.2" in results["target"]["base_url"]
    passed = {c["surface"] for c in results["cases"] if c["status"] == "pass"}
    assert {"rest", "sdk"} <= passed, passed
    generated = [c for c in results["cases"] if c["name"].startswith("test_generated")]
    assert generated and all(c["status"] == "pass" for c in generated), generated


@pytest.mark.parametrize("surface", ["rest", "grpc"])
def test_an_address_the_certificate_does_not_name_is_refused(scenarios, surface):
    """127.0.0.2 is in no certificate: so the mutual smoke, which reaches the target there with
    --tls-server-name localhost, shows that every client library verifies the given name."""
    found = scenarios["preflight"][f"other-address/{surface}"]
    assert found["status"] == ExitStatus.INFRASTRUCTURE and "is not valid for '127.0.0.2'" in found["error"]


def test_insecure_tls_reaches_the_rest_target_without_a_ca(scenarios):
    assert scenarios["preflight"]["insecure/rest"]["status"] == 0, scenarios["preflight"]["insecure/rest"]


def test_tls_is_real_plain_clients_are_refused(scenarios):
    plain = scenarios["plain_clients"]
    assert plain["http_status"] == 400 and "HTTPS server" in plain["http_body"], plain  # as Go's net/http
    assert plain["grpc"] == "UNAVAILABLE", plain


def test_no_report_holds_a_certificate_a_key_or_the_token(scenarios):
    secrets = scenarios["secrets"]
    needles = (*PEM_MARKERS, secrets["token"], *secrets["key_lines"])
    checked = 0
    for run in scenarios["runs"].values():
        for path in Path(run["reports"]).glob("*"):
            text = path.read_text(encoding="utf-8", errors="replace")
            checked += 1
            for needle in needles:
                assert needle not in text, f"{path} holds {needle[:12]!r}..."
    assert checked >= 10  # the smoke runs wrote their five reports each


@pytest.mark.parametrize("name", ["mutual-rest", "mutual-both", "one-way-both"])
def test_discover_reaches_a_tls_target_with_the_suites_options(scenarios, name):
    """discover takes the suite's TLS options (issue 27): REST only over mutual TLS, both surfaces
    over mutual TLS, and both over one-way TLS with --ca-cert (as `make serve TLS=one-way` prints)."""
    run = scenarios["discover"][name]
    assert run["rc"] == ExitStatus.CONFORMS, run["lines"][-20:]
    values = yaml.safe_load(Path(run["profile"]).read_text())["values"]
    assert values["password.min_length"]["value"] == 6, values["password.min_length"]
    assert values["user_name.max_length"]["value"] == 32, values["user_name.max_length"]
    assert run["journals"] == [], run["journals"]  # every user swept, its journal removed


def test_discover_that_cannot_reach_a_tls_target_leaves_no_journal(scenarios):
    run = scenarios["discover"]["untrusted"]
    assert run["rc"] == ExitStatus.INFRASTRUCTURE, run["lines"]
    assert run["lines"] == [
        line
        for line in run["lines"]
        if line.startswith("conformance: TLS: ") or line.startswith("starting") or line.startswith("discover")
    ], run["lines"]
    assert any("--ca-cert" in line for line in run["lines"]), run["lines"]
    assert run["journals"] == [], run["journals"]
