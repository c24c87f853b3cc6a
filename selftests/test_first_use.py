"""What a first-time user trips over (issue 27): a misspelled profile key, and preflight lines that
name the right cause (REST and gRPC URLs swapped, a token without ':', a REST URL on a gRPC-only
port); every error line starts `conformance: `. The preflight cases run against the REAL embedded
target (selftests/conftest.py) and a real gRPC-only port (a grpcio server with no services)."""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
from concurrent import futures

import grpc
import pytest

from milvus_conformance import REPO_ROOT
from milvus_conformance.cli import main
from milvus_conformance.clients.protocol_sniff import sniff
from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.errors import ConfigError, ExitStatus, HarnessError
from milvus_conformance.harness.config import from_values
from milvus_conformance.harness.run_context import RunContext

TYPO = "name: mine\nextends: milvus-2.5\nvalues:\n  password.max_lenght: {value: 12, source: me}\n"


@pytest.fixture
def typo_profile(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(TYPO)
    return path


# ---- item 2: a misspelled key ------------------------------------------------------------------
def test_a_misspelled_profile_key_is_a_config_error_naming_the_closest_key(typo_profile):
    with pytest.raises(ConfigError) as info:
        load_profile(str(typo_profile))
    assert info.value.exit_status == ExitStatus.CONFIGURATION
    assert "'password.max_lenght'" in str(info.value) and "'password.max_length'" in str(info.value)


def test_a_key_like_no_other_is_an_error_too(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text("values:\n  zzzz: {value: 1, source: me}\n")
    with pytest.raises(ConfigError, match="unknown key 'zzzz'"):
        load_profile(str(path))


def test_every_built_in_profile_and_informative_key_loads():
    from milvus_conformance.contract.profiles import available_profiles

    for name in available_profiles():
        assert load_profile(name).keys()


def test_profile_show_of_a_misspelled_key_is_one_line_and_status_4(typo_profile, capsys):
    assert main(["profile", "show", str(typo_profile)]) == ExitStatus.CONFIGURATION
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("conformance: ") and "password.max_length" in err


def test_the_suite_with_a_misspelled_key_exits_4_with_one_conformance_line(typo_profile, tmp_path):
    """Before any server starts: the profile is read while the options are checked."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "--profile",
            str(typo_profile),
            "--state-dir",
            str(tmp_path / "s"),
            "--reports-dir",
            str(tmp_path / "r"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]
    assert done.returncode == ExitStatus.CONFIGURATION, lines
    assert (
        len(lines) == 1
        and lines[0].startswith("conformance: profile ")
        and "did you mean 'password.max_length'?" in lines[0]
    ), lines


# ---- protocol sniffing (no Milvus) -------------------------------------------------------------
@pytest.fixture(scope="module")
def grpc_only_port():
    """A real grpcio server with no services: HTTP/2 only, as a gRPC-only Milvus port or look-alike."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield port
    server.stop(None)


@pytest.fixture(scope="module")
def http1_only_port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sniff_tells_grpc_from_http1_and_from_nothing(grpc_only_port, http1_only_port):
    grpc_only = sniff(f"http://127.0.0.1:{grpc_only_port}")
    assert grpc_only.grpc_only and not grpc_only.http1_only
    http1 = sniff(f"127.0.0.1:{http1_only_port}")
    assert http1.http1_only and not http1.grpc_only
    closed = sniff(f"http://127.0.0.1:{_closed_port()}")
    assert not closed.http1 and not closed.http2


# ---- item 3: preflight names the cause (real embedded target) ----------------------------------
def _preflight_error(values: dict, state_dir) -> HarnessError:
    ctx = RunContext(config=from_values({**values, "state_dir": str(state_dir)}, env={}), run_id="hint")
    ctx.start(report=lambda line: None)
    with pytest.raises(HarnessError) as info:
        ctx.preflight()
    assert info.value.exit_status == ExitStatus.INFRASTRUCTURE
    assert "\n" not in str(info.value)
    return info.value


def test_swapped_urls_name_the_grpc_port(embedded_endpoints, tmp_path):
    ep = embedded_endpoints
    error = str(_preflight_error({"base_url": ep.grpc_uri, "grpc_uri": ep.base_url, "token": ep.token}, tmp_path))
    assert "has no Milvus REST v2 API (HTTP 404" in error and "This port speaks gRPC" in error, error
    assert "--grpc-uri" in error and "own token" not in error, error


def test_a_rest_port_given_as_grpc_uri_is_named(embedded_endpoints, tmp_path):
    ep = embedded_endpoints
    error = str(_preflight_error({"grpc_uri": ep.base_url, "token": ep.token}, tmp_path))
    assert "does not speak gRPC" in error and "pass it as --base-url" in error, error


def test_a_rest_url_on_a_grpc_only_port_says_so(grpc_only_port, tmp_path):
    error = str(_preflight_error({"base_url": f"http://127.0.0.1:{grpc_only_port}", "token": "a:b"}, tmp_path))
    assert "this port speaks gRPC: pass it as --grpc-uri" in error, error
    assert "illegal" not in error, error


@pytest.mark.parametrize("surface", ["base_url", "grpc_uri"])
def test_a_token_without_a_colon_is_said_to_be_taken_as_an_api_key(embedded_endpoints, tmp_path, surface):
    url = embedded_endpoints.base_url if surface == "base_url" else embedded_endpoints.grpc_uri
    error = str(_preflight_error({surface: url, "token": "rootMilvus"}, tmp_path))
    assert "the token has no ':', so it is taken as an API key" in error, error


@pytest.mark.parametrize("surface", ["base_url", "grpc_uri"])
def test_a_wrong_password_says_check_the_token(embedded_endpoints, tmp_path, surface):
    url = embedded_endpoints.base_url if surface == "base_url" else embedded_endpoints.grpc_uri
    error = str(_preflight_error({surface: url, "token": "root:NotThePassword"}, tmp_path))
    assert "check the user and password of --token" in error and "API key" not in error, error


# ---- item 4: make serve prints a suite command that works from the checkout ---------------------
def test_serve_prints_this_environments_pytest_and_tests_from_the_checkout():
    import os

    from milvus_conformance.target.embedded.serve import suite_command

    pytest_path, tests = suite_command(REPO_ROOT).split()
    assert tests == "tests" and not os.path.isabs(pytest_path), (pytest_path, tests)
    assert os.access(REPO_ROOT / pytest_path, os.X_OK), pytest_path
    assert (REPO_ROOT / pytest_path).parent == __import__("pathlib").Path(sys.executable).parent
