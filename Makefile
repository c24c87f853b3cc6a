# Two commands a user needs: `make conformance` (the suite against the embedded target, or the target
# given by CONFORMANCE_* variables / ARGS) and `make check` (the project's own tests).
# Everything is installed into .venv from pyproject.toml (exact pins) on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=
JOBS   ?= 0
# The embedded target's Milvus release (default 2.3.5; README "Real releases side by side")
EMBEDDED_VERSION ?=
MATRIX_VERSIONS  ?= 2.2.16,2.3.5
RELEASE_FLAG     := $(if $(EMBEDDED_VERSION),--embedded-version $(EMBEDDED_VERSION))

.PHONY: conformance check check-parallel check-power check-full lint format selftests suite-smoke release-smoke serve bench killrate matrix lookalikes venv clean

venv: $(STAMP)

# constraints.txt pins every transitive dependency too (pip freeze of a clean install).
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	@$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[embedded,dev]'
	@touch $@

# The suite. Exit status (see README): 0 conforms, 1 does not conform, 2 interrupted,
# 3 harness/infrastructure error, 4 bad configuration. make itself reports it as "Error N".
# --assert=plain: the cases judge by verdicts, not by assert introspection, and pytest would otherwise
# rewrite ~390 modules of its plugins (schemathesis, hypothesis) at every start where no bytecode is
# written (PYTHONDONTWRITEBYTECODE, fresh CI runners): 1-2 s of each run.
# --jobs auto (unless CONFORMANCE_JOBS says otherwise): cases run ahead in threads, as many as the
# target's round trip calls for (2 against the embedded target).
SUITE_FLAGS := --assert=plain
conformance: $(STAMP)
	@$(PY) -m pytest tests -q $(SUITE_FLAGS) $(if $(CONFORMANCE_JOBS),,--jobs auto) -n $(JOBS) $(RELEASE_FLAG) $(ARGS)

# The project's own tests: lint, then side by side (each with embedded servers of its own; output
# shown per target when it ends): the self-tests (unit tests, the gateway and fault-injection tests
# against real servers) less the power test, the whole suite against the embedded target certified
# (--certify) with its bundle checked by `verify`, and the release smoke. `make check-power` is the
# suite's power (the gate tier through every fault of the catalogue); `make check-full` is both.
SELFTEST_JOBS ?= 2
check: lint
	@$(MAKE) --no-print-directory -j3 -O check-parallel

check-parallel: selftests suite-smoke release-smoke

check-power: $(STAMP)
	@$(PY) -m pytest selftests -q -m power

check-full: check check-power

# ruff (exact pin in pyproject.toml; rules in [tool.ruff.lint], layout in [tool.ruff.format]):
# `make format` rewrites, `make lint` only checks.
RUFF_PATHS := milvus_conformance tests selftests bench conftest.py
lint: $(STAMP)
	@$(VENV)/bin/ruff check $(RUFF_PATHS)
	@$(VENV)/bin/ruff format --check --quiet $(RUFF_PATHS) || { echo "ruff format: run 'make format'"; exit 1; }

format: $(STAMP)
	@$(VENV)/bin/ruff format $(RUFF_PATHS)

# xdist: each worker takes whole files (--dist loadfile), so a file's module fixtures run once
selftests: $(STAMP)
	@$(PY) -m pytest selftests -q -n $(SELFTEST_JOBS) --dist loadfile -m "not power"

suite-smoke: $(STAMP)
	@$(PY) -m pytest tests -q $(SUITE_FLAGS) -n 2 --certify --reports-dir $(CURDIR)/.conformance/reports-check
	@$(PY) -m milvus_conformance.cli verify $(CURDIR)/.conformance/reports-check/bundle.tar.gz

# Milvus 2.2.16 (installed on first use under .conformance/releases/) and 2.3.5: the smoke cases
# against each with its own profile, and their matrix (selftests/releases/).
release-smoke: $(STAMP)
	@$(PY) -m pytest selftests/releases -q

# TLS=one-way|mutual: the embedded target over TLS (a throw-away CA; prints the options to use)
TLS    ?=
serve: $(STAMP)
	@$(PY) -m milvus_conformance.cli serve $(RELEASE_FLAG) $(if $(TLS),--tls $(TLS)) $(if $(filter 1 true yes,$(STANDARD_ERRORS)),--standard-errors)

# The gate tier against each release in turn; reports/matrix/: <version>/results.json, matrix.md,
# matrix.html, compare-A-to-B.md. ARGS go to each run's pytest.
matrix: $(STAMP)
	@$(PY) -m milvus_conformance.cli matrix-run --versions $(MATRIX_VERSIONS) --out reports/matrix $(if $(ARGS),-- $(ARGS))

# The gate tier against the Milvus look-alikes (PyPI milvus-lite 2.5.1, 3.2.2; installed on first use
# under .conformance/lookalikes/) beside Milvus 2.3.5: reports/lookalikes/<name>/, matrix.md, matrix.html
lookalikes: $(STAMP)
	@$(PY) -m milvus_conformance.cli lookalikes --out reports/lookalikes $(if $(ARGS),-- $(ARGS))

bench: $(STAMP)
	@$(PY) bench/bench.py

# The suite's power: the gate tier through each fault of the catalogue; table in reports/killrate.md
killrate: $(STAMP)
	@$(PY) -m milvus_conformance.faults.killrate --reports-dir reports

clean:
	rm -rf $(VENV) .conformance reports/*.json reports/*.xml reports/*.html reports/*.md
	@git checkout -- reports/README.md 2>/dev/null || true
