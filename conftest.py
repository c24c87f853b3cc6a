"""The conformance suite's pytest plugin (milvus_conformance/harness/plugin.py) acts on runs of tests/;
selftests/ (the project's own tests) use it only where they say so."""

pytest_plugins = ["milvus_conformance.harness.plugin"]
