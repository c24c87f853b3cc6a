"""A failed start of the embedded Milvus: its reason in one line, and its logs kept out of the data
directory that its stop removes (target/embedded/start_log.py)."""

from milvus_conformance.target.embedded import start_log


def _data_dir(tmp_path, name, wrapper_lines, stderr_lines=()):
    data = tmp_path / name
    (data / "logs").mkdir(parents=True)
    (data / "milvus-server.log").write_text("\n".join(wrapper_lines) + "\n")
    (data / "logs" / "milvus-stderr.log").write_text("\n".join(stderr_lines) + "\n")
    return data


def test_a_fatal_python_error_of_the_wrapper_is_the_reason(tmp_path):
    data = _data_dir(tmp_path, "d", ["starting", "Fatal Python error: Aborted", "", "Current thread 0x1:"])
    assert start_log.start_failure_reason(data) == "Fatal Python error: Aborted"


def test_the_servers_own_panic_comes_first(tmp_path):
    data = _data_dir(tmp_path, "d", ["ValueError: x"], ["panic: listen tcp: address already in use"])
    assert start_log.start_failure_reason(data) == "panic: listen tcp: address already in use"


def test_the_logs_are_kept_and_only_the_last_few(tmp_path):
    state = tmp_path / "state"
    kept = []
    for i in range(start_log.KEEP + 2):
        data = _data_dir(tmp_path, f"milvus-conformance-{i}", [f"wrapper {i}"], [f"stderr {i}"])
        (data / "gateway.log").write_text(f"gateway {i}\n")
        kept.append(start_log.keep_logs(data, state))
    last = kept[-1]
    assert sorted(p.name for p in last.iterdir()) == ["gateway.log", "milvus-server.log", "milvus-stderr.log"]
    assert (last / "milvus-stderr.log").read_text() == f"stderr {start_log.KEEP + 1}\n"
    remaining = sorted(p for p in (state / start_log.KEPT_DIR).iterdir())
    assert remaining == sorted(kept[-start_log.KEEP :])


def test_nothing_to_keep_is_said_so(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert start_log.keep_logs(empty, tmp_path / "state") is None
