"""The embedded target: a real Milvus (default 2.3.5, or another release PyPI serves) plus this
project's REST v2 gateway in front of it.
Started once per run by the process that owns the run (the xdist controller, or the only process)."""
from __future__ import annotations

import atexit
from dataclasses import dataclass
from pathlib import Path

from milvus_conformance.target.embedded import releases
from milvus_conformance.target.embedded.server import ROOT_TOKEN, EmbeddedServer


@dataclass
class EmbeddedEndpoints:
    grpc_uri: str
    base_url: str
    token: str


class EmbeddedTarget:
    def __init__(self, state_dir: Path, version: str = releases.DEFAULT_VERSION):
        self.server = EmbeddedServer(state_dir)
        self.version = version
        self.gateway = None
        self._registered = False

    def start(self) -> EmbeddedEndpoints:
        from milvus_conformance.target.gateway import (
            start_gateway,  # the gateway is only needed when we are the target
        )

        if not self._registered:
            atexit.register(self.stop)         # belt and braces: never leave a server running
            self._registered = True
        # installs a non-default release on first use (needs PyPI; EmbeddedStartError otherwise)
        self.server.release = releases.resolve(self.version, self.server.state_dir)
        info = self.server.start()
        try:
            self.gateway = start_gateway(milvus_address=f"127.0.0.1:{info.grpc_port}",
                                         host="127.0.0.1", port=0, authorization_enabled=True)
        except BaseException:
            self.server.stop()
            raise
        return EmbeddedEndpoints(info.grpc_uri, self.gateway.base_url, ROOT_TOKEN)

    def stop(self) -> None:
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        self.server.stop()
