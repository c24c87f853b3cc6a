"""milvus_conformance: a conformance suite for Milvus's "Create User" API (REST v2 and pymilvus)."""
from pathlib import Path

__version__ = "0.1.0"

# The repository root: specs/, profiles/ and reports/ live beside this package.
REPO_ROOT = Path(__file__).resolve().parent.parent
