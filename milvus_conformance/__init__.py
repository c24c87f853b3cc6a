"""milvus_conformance: a conformance suite for Milvus's "Create User" API (REST v2 and pymilvus)."""

import os
from pathlib import Path

__version__ = "0.1.0"

# The repository root: specs/, profiles/ and reports/ live beside this package.
REPO_ROOT = Path(__file__).resolve().parent.parent

# grpcio logs every failed TLS handshake (`ssl_transport_security.cc ... CERTIFICATE_VERIFY_FAILED`)
# to stderr at INFO level, e.g. from preflight's probes: the suite says why in its own line instead.
# Read by grpcio's core when it is first imported, which is always after this package; a value the
# user set stays.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
