"""Real Milvus look-alikes from PyPI (CF section 8): servers that speak the Milvus gRPC API but are
not Milvus. Each is installed on first use, pinned exactly, into a virtual environment of its own
under `<state dir>/lookalikes/<name>/venv` (as the embedded releases are) and started on a free port.
"""
