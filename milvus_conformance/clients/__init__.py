"""Clients for the two surfaces: REST v2 over httpx, and the Python SDK (pymilvus)."""
