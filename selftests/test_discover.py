"""`discover` and `profile-diff`. Against the real embedded target (selftests/conftest.py): the
discovered profile equals profiles/embedded.yaml on every key both cover, the gate tier passes with
it, it stays within its budget and leaves no user behind; through the fault proxy, each fault that
changes an observable value changes the discovered value of that key. Without a server: the
searches, the writer and the diff."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time

import pytest
import yaml

from milvus_conformance import REPO_ROOT
from milvus_conformance.cli import main
from milvus_conformance.contract.profile_diff import RELATIONS, diff_profiles, open_profile
from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.discover.findings import Finding
from milvus_conformance.discover.search import highest_true, lowest_true
from milvus_conformance.discover.writer import render
from milvus_conformance.harness.config import from_values

MAX_REQUESTS = 400  # the budget against the embedded target (its 30 s: `make bench`, line 5)
# fault (faults/catalogue.py) -> the profile key whose discovered value it must change
FAULT_KEYS = {
    "name-over-max-accepted": "user_name.max_length",
    "name-case-folded": "user_name.case_sensitive",
    "password-under-min-accepted": "password.min_length",
    "password-over-max-accepted": "password.max_length",
    "class-rule-imposed": "password.min_classes",
    "code-1100-to-65535": "rest.outcome.invalid_value",
    "success-code-200": "rest.success_code",
    "auth-401-to-200": "rest.outcome.auth_failed",
    "timeout-unparsable-refused": "rest.request_timeout.unparsable",
    "trailing-slash-accepted": "rest.trailing_slash_status",
    "slow-credential-cache": "users.settle_s",
}


def _own_server() -> bool:
    return not os.environ.get("MILVUS_GRPC_ADDRESS")  # only a server of our own may be filled


def _discover(base_url, ep, state_dir, fill: bool):
    from milvus_conformance.discover.run import discover

    config = from_values(
        {
            "base_url": base_url,
            "grpc_uri": ep.grpc_uri,
            "token": ep.token,
            "state_dir": str(state_dir),
            "fill_server": fill,
        },
        env={},
    )
    return discover(config, "selftest", report=lambda line: None)


@pytest.fixture(scope="module")
def clean(embedded_endpoints, tmp_path_factory):
    return _discover(embedded_endpoints.base_url, embedded_endpoints, tmp_path_factory.mktemp("d"), fill=_own_server())


# ---- against the real embedded target ----------------------------------------------------------
def test_discovered_profile_equals_embedded_profile(clean):
    embedded = load_profile("embedded")
    # sdk.outcome.timeout is a race (CF section 5; test_sdk_specifics samples it): not compared
    both = [
        i
        for i in clean.items
        if i.value is not None
        and i.key in embedded.keys()
        and embedded[i.key] is not None
        and i.key != "sdk.outcome.timeout"
    ]
    mismatches = [
        f"{i.key}: discovered {i.value!r} ({i.how}) | embedded.yaml {embedded[i.key]!r} ({embedded.get(i.key).source})"
        for i in both
        if i.value != embedded[i.key]
    ]
    assert not mismatches, "discover and profiles/embedded.yaml disagree:\n" + "\n".join(mismatches)
    assert len(both) >= 30, f"only {len(both)} keys covered by both: {[i.key for i in both]}"


def test_every_key_written_with_a_source(clean):
    keys = {i.key for i in clean.items}
    assert set(load_profile("documented").keys()) <= keys
    assert all(i.how for i in clean.items)
    nulls = {i.key for i in clean.items if i.value is None}
    assert nulls <= {
        "rest.outcome.drop_root",
        "sdk.outcome.drop_root",
        "users.max_count",
        "rest.request_timeout.shared",
        "users.protected",
        "rest.outcome.user_cap",
        "sdk.outcome.user_cap",
    }, nulls


def test_no_secret_in_the_profile(clean, embedded_endpoints):
    from milvus_conformance.discover.probes_password import PATTERN
    from milvus_conformance.discover.session import PASSWORD

    text = render("t", clean.items, clean.target, clean.when, "cost")
    # the admin's bare password ("Milvus") is a word of the vocabulary (MilvusException): the token
    for secret in (PASSWORD, PATTERN, embedded_endpoints.token):
        assert secret not in text


def test_request_budget(clean):
    assert clean.requests <= MAX_REQUESTS, f"{clean.requests} requests"


def test_no_user_left_behind(clean, embedded_endpoints):
    from milvus_conformance.clients.sdk import SdkClient

    sdk = SdkClient(embedded_endpoints.grpc_uri, embedded_endpoints.token)
    try:
        left = [n for n in sdk.user_names() if clean.prefix in n]
    finally:
        sdk.close()
    assert left == [], f"discover left {left}"


def test_gate_tier_passes_with_the_discovered_profile(clean, embedded_endpoints, tmp_path):
    from milvus_conformance.faults import killrate_runner

    name = f"selftest-discovered-{secrets.token_hex(4)}"
    path = tmp_path / f"{name}.yaml"  # used by path: --profile ./file.yaml
    path.write_text(render(name, clean.items, clean.target, clean.when, "selftest"), encoding="utf-8")
    ep = killrate_runner.Endpoints(embedded_endpoints.base_url, embedded_endpoints.grpc_uri, embedded_endpoints.token)
    status, results, _ = killrate_runner.run_suite(ep, tmp_path / "run", str(path), 1, fill=_own_server())
    assert results is not None, f"no results (exit {status}); log: {tmp_path / 'pytest.log'}"
    bad = [(c["case_id"], c["status"]) for c in results["cases"] if c["status"] in ("fail", "unexpected_pass", "error")]
    assert status == 0 and not bad, f"exit {status}; {bad[:10]}"
    assert sum(c["status"] == "pass" for c in results["cases"]) > 100


@pytest.mark.parametrize("fault", sorted(FAULT_KEYS))
def test_fault_changes_its_key(fault, clean, embedded_endpoints, tmp_path):
    from milvus_conformance.faults.proxy import start_fault_proxy

    key = FAULT_KEYS[fault]
    proxy = start_fault_proxy(embedded_endpoints.base_url, fault, embedded_endpoints.token, "embedded")
    try:
        faulty = _discover(proxy.base_url, embedded_endpoints, tmp_path, fill=False)
    finally:
        proxy.stop()
    assert faulty.value(key) != clean.value(key), (
        f"{fault}: {key} discovered as {clean.value(key)!r} both without and with the fault"
    )


def _start_discover(ep, state_dir, out):
    """A discover in its own process; returns it and its run prefix once it is probing."""
    cmd = [
        sys.executable,
        "-m",
        "milvus_conformance.cli",
        "discover",
        "--name",
        "killed",
        "--out",
        str(out),
        "--base-url",
        ep.base_url,
        "--grpc-uri",
        ep.grpc_uri,
        "--token",
        ep.token,
        "--state-dir",
        str(state_dir),
    ] + (["--fill-server"] if _own_server() else [])
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        found = re.search(r"users prefixed (cf\w+_)", line)
        if found:  # then as soon as one of its users exists: inside the probes, however fast
            deadline = time.monotonic() + 30
            while not _users_with(ep, found.group(1)) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            return proc, found.group(1)
    proc.wait()
    pytest.fail(f"discover never started probing (exit {proc.returncode})")


def _users_with(ep, prefix: str) -> list[str]:
    from milvus_conformance.clients.sdk import SdkClient

    sdk = SdkClient(ep.grpc_uri, ep.token)
    try:
        return [n for n in sdk.user_names() if prefix in n]
    finally:
        sdk.close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_discover_exits_2_with_everything_swept(sig, embedded_endpoints, tmp_path):
    proc, prefix = _start_discover(embedded_endpoints, tmp_path, tmp_path / "p.yaml")
    proc.send_signal(sig)
    rest = proc.communicate(timeout=60)[0]
    assert proc.returncode == 2, rest
    assert "interrupted" in rest and "Traceback" not in rest
    assert _users_with(embedded_endpoints, prefix) == []
    assert not (tmp_path / "p.yaml").exists()


def test_killed_discover_is_swept_by_the_next(embedded_endpoints, tmp_path):
    """kill -9 while the user-cap probe has users alive; the next discovery drops them first."""
    if not _own_server():
        pytest.skip("needs the user-cap probe (a server of our own)")
    proc, prefix = _start_discover(embedded_endpoints, tmp_path, tmp_path / "p.yaml")
    deadline = time.monotonic() + 60
    while len(_users_with(embedded_endpoints, prefix)) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()
    proc.wait(timeout=30)
    left = _users_with(embedded_endpoints, prefix)
    assert len(left) >= 5, f"the kill came too late: {len(left)} users alive"
    next_run = _discover(embedded_endpoints.base_url, embedded_endpoints, tmp_path, fill=False)
    assert set(left) <= set(next_run.swept)
    assert _users_with(embedded_endpoints, prefix) == []


def test_login_probe_notices_a_password_the_server_changed(clean, embedded_endpoints, tmp_path):
    from milvus_conformance.faults.proxy import start_fault_proxy

    how = next(i.how for i in clean.items if i.key == "password.max_length")
    assert "logs in with it, not with its first 71 bytes" in how, how
    proxy = start_fault_proxy(
        embedded_endpoints.base_url, "created-other-password", embedded_endpoints.token, "embedded"
    )
    try:
        faulty = _discover(proxy.base_url, embedded_endpoints, tmp_path, fill=False)
    finally:
        proxy.stop()
    how = next(i.how for i in faulty.items if i.key == "password.max_length")
    assert "WARNING" in how and "cannot log in" in how, how


# ---- no server -----------------------------------------------------------------------------------
@pytest.mark.parametrize("edge_at", [16, 17, 32, 33, 100, 1023])
def test_highest_true_finds_the_edge(edge_at):
    sent = []
    edge = highest_true(lambda n: sent.append(n) or n <= edge_at, 16, 1024)
    assert (edge.held, edge.failed) == (edge_at, edge_at + 1) and edge.pinned
    assert len(sent) == len(set(sent)) <= 2 * 10  # 2 log2(1024): exponential, then binary


def test_highest_true_without_an_edge():
    assert highest_true(lambda n: True, 16, 1024).failed is None
    assert highest_true(lambda n: False, 16, 1024).held is None


@pytest.mark.parametrize("edge_at", [1, 2, 6, 8, 12])
def test_lowest_true_finds_the_edge(edge_at):
    edge = lowest_true(lambda n: n >= edge_at, 12)
    assert edge.held == edge_at and edge.failed == (edge_at - 1 if edge_at > 1 else None)


def test_writer_round_trips_odd_values_and_loads_as_a_profile(tmp_path):
    items = [
        Finding("user_name.extra_chars", "-.:'\"é", "sent: a name with -"),
        Finding(
            "rest.outcome.invalid_value",
            {"status": 200, "code": 1100, "content_type": "json"},
            "a name starting with '1' -> HTTP 200 code 1100",
        ),
        Finding("users.max_count", None, "not probed: needs --fill-server", observed=False),
    ]
    text = render("t", items, "t v1.0", "2026-01-01T00:00:00Z", "3 requests")
    raw = yaml.safe_load(text)
    assert raw["extends"] == "documented"
    path = tmp_path / "t.yaml"
    path.write_text(text)
    profile = open_profile(str(path))
    assert profile["user_name.extra_chars"] == "-.:'\"é"
    assert profile.get("users.max_count").source.startswith("not observed on t v1.0")
    assert profile["password.min_length"] == 8  # inherited from documented


def test_profile_diff_lists_contradictions_first():
    diff = diff_profiles(load_profile("documented"), load_profile("milvus-2.5"))
    order = [RELATIONS.index(r.relation) for r in diff.rows]
    assert order == sorted(order) and {r.relation for r in diff.rows} >= {"differs", "narrows", "same"}
    relation = {r.key: r.relation for r in diff.rows}
    assert relation["password.min_length"] == "differs"  # 8 vs 6
    assert relation["rest.outcome.duplicate"] == "narrows"  # any non-zero code vs 65535
    assert relation["user_name.max_length"] == "narrows"  # null vs 32
    assert relation["user_name.extra_chars"] == "same"
    back = {r.key: r.relation for r in diff_profiles(load_profile("milvus-2.5"), load_profile("documented")).rows}
    assert back["rest.outcome.duplicate"] == "widens"


def test_profile_diff_command(tmp_path, capsys):
    out = tmp_path / "diff.md"
    assert main(["profile-diff", "documented", "embedded", "--md", str(out)]) == 0
    text = out.read_text()
    assert "| differs | `password.max_length` | 64 | 72 |" in text and text == capsys.readouterr().out
    assert main(["profile-diff", "documented", "no-such-profile"]) == 4
    assert main(["profile-diff", "documented", str(tmp_path / "missing.yaml")]) == 4


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--name", "bad/name"], "--name"),
        (["--name", "x", "--base-url", "http://127.0.0.1:9"], "token"),
        (["--name", "x", "--base-url", "nonsense", "--token", "a:b"], "malformed"),
        (["--name", "x", "--base-url", "http://127.0.0.1:9", "--token", "a:b", "--max-users", "2"], "--max-users"),
    ],
)
def test_discover_bad_configuration_is_one_line_and_exit_4(argv, says, capsys, tmp_path):
    assert main(["discover", *argv, "--out", str(tmp_path / "x.yaml")]) == 4
    err = capsys.readouterr().err.strip()
    assert err.startswith("conformance: ") and says in err and "\n" not in err


def test_discover_refuses_to_overwrite(tmp_path, capsys):
    existing = tmp_path / "x.yaml"
    existing.write_text("keep me")
    assert (
        main(["discover", "--name", "x", "--out", str(existing), "--base-url", "http://127.0.0.1:9", "--token", "a:b"])
        == 4
    )
    assert existing.read_text() == "keep me"


def test_discover_unreachable_target_is_exit_3(tmp_path, capsys):
    assert (
        main(
            [
                "discover",
                "--name",
                "x",
                "--out",
                str(tmp_path / "x.yaml"),
                "--base-url",
                "http://127.0.0.1:9",
                "--token",
                "a:b",
                "--state-dir",
                str(tmp_path),
            ]
        )
        == 3
    )
    assert capsys.readouterr().err.startswith("conformance: ")
    assert not (tmp_path / "x.yaml").exists()
