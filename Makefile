# Two commands a user needs: `make conformance` (the suite against the embedded target, or the target
# given by CONFORMANCE_* variables / ARGS) and `make check` (the project's own tests).
# Everything is installed into .venv from pyproject.toml (exact pins) on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=
JOBS   ?= 0

.PHONY: conformance check selftests suite-smoke serve bench killrate venv clean

venv: $(STAMP)

# constraints.txt pins every transitive dependency too (pip freeze of a clean install).
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	@$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[embedded,dev]'
	@touch $@

# The suite. Exit status (see README): 0 conforms, 1 does not conform, 2 interrupted,
# 3 harness/infrastructure error, 4 bad configuration. make itself reports it as "Error N".
conformance: $(STAMP)
	@$(PY) -m pytest tests -q -n $(JOBS) $(ARGS)

# The project's own tests: unit tests, the gateway and fault-injection tests against one real
# server, then the whole suite against the embedded target under xdist (one server for the run).
check: selftests suite-smoke

selftests: $(STAMP)
	@$(PY) -m pytest selftests -q

suite-smoke: $(STAMP)
	@$(PY) -m pytest tests -q -n 2 --reports-dir $(CURDIR)/.conformance/reports-check

# TLS=one-way|mutual: the embedded target over TLS (a throw-away CA; prints the options to use)
TLS    ?=
serve: $(STAMP)
	@$(PY) -m milvus_conformance.cli serve $(if $(TLS),--tls $(TLS))

bench: $(STAMP)
	@$(PY) bench/bench.py

# The suite's power: the gate tier through each fault of the catalogue; table in reports/killrate.md
killrate: $(STAMP)
	@$(PY) -m milvus_conformance.faults.killrate --reports-dir reports

clean:
	rm -rf $(VENV) .conformance reports/*.json reports/*.xml reports/*.html reports/*.md
	@git checkout -- reports/README.md 2>/dev/null || true
