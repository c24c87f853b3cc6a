"""The look-alikes this project runs, and how each starts (CF section 8; observed here 2026-12)."""

from __future__ import annotations

from dataclasses import dataclass

from milvus_conformance.errors import ConfigError

# milvus-lite 3.2.2 imports pymilvus without declaring it; every package is pinned (--no-deps) to
# what a clean `pip install milvus-lite==3.2.2 pymilvus==3.0.2 -c constraints.txt` resolved here.
_LITE_322_PINS = (
    "milvus-lite==3.2.2",
    "pymilvus==3.0.2",
    "faiss-cpu==1.15.1",
    "grpcio==1.85.1",
    "numpy==2.4.6",
    "packaging==26.4",
    "pyarrow==26.0.1",
    "typing_extensions==4.16.0",
    "cachetools==8.0.1",
    "certifi==2026.10.18",
    "charset-normalizer==3.5.2",
    "idna==3.20",
    "orjson==3.13.0",
    "pandas==3.1.1",
    "protobuf==7.36.2",
    "python-dateutil==4.0.0",
    "python-dotenv==1.2.4",
    "requests==2.34.2",
    "tzdata==2026.6",
    "urllib3==2.8.0",
)


@dataclass(frozen=True)
class Lookalike:
    name: str  # e.g. "milvus-lite-2.5.1": a run's column title and directory name
    pins: tuple[str, ...]  # installed with --no-deps, exactly these
    kind: str  # "binary" (the bundled C++ server) or "python" (the gRPC adapter)
    note: str  # what it is, one line

    @property
    def version(self) -> str:
        return self.pins[0].split("==", 1)[1]


LOOKALIKES = {
    "milvus-lite-2.5.1": Lookalike(
        "milvus-lite-2.5.1",
        ("milvus-lite==2.5.1",),
        "binary",
        "milvus-lite 2.5.1: the bundled C++ server (milvus_lite/lib/milvus DB_FILE HOST:PORT ERROR)",
    ),
    "milvus-lite-3.2.2": Lookalike(
        "milvus-lite-3.2.2",
        _LITE_322_PINS,
        "python",
        "milvus-lite 3.2.2: pure Python, milvus_lite.adapter.grpc.server.run_server(DIR, HOST, PORT)",
    ),
}


def lookalike(name: str) -> Lookalike:
    try:
        return LOOKALIKES[name]
    except KeyError:
        raise ConfigError(f"unknown look-alike {name!r}: known are {', '.join(LOOKALIKES)}") from None
