"""A remote cluster, simulated: the latency both proxies (faults/proxy.py, faults/grpc_proxy.py) add
to what they forward, and a log of when each request went through (`make bench` attributes the
requests to the cases that sent them).

    lat = Latency(rtt=0.020, create=0.050)      # 20 ms per request, 50 ms more per create
    start_fault_proxy(url, None, token, latency=lat)
    start_grpc_fault_proxy(uri, None, token, latency=lat)

A request waits `rtt` before it is forwarded (one round trip; the target's own time comes on top);
a create waits `create` more (a server that hashes new passwords with bcrypt cost 10, CF section 8);
the first request on a new connection waits one `rtt` more (the TCP handshake). Requests wait in
their own thread, so concurrent requests overlap as they would on a network.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass
class Latency:
    rtt: float = 0.0  # seconds per request (REST request or gRPC call)
    create: float = 0.0  # seconds more per create (REST users/create, gRPC CreateCredential)
    record: bool = False  # keep (time, surface, name) of every request in `log`
    log: list[tuple[float, str, str]] = field(default_factory=list)
    connections: int = 0  # new connections seen (each paid one extra `rtt`)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _peers: set = field(default_factory=set, repr=False)

    def request(self, surface: str, name: str, is_create: bool, peer: str | None = None) -> None:
        """Wait as the network would for one request, and note it."""
        new = False
        with self._lock:
            if peer is not None and peer not in self._peers:
                self._peers.add(peer)
                self.connections += 1
                new = True
            if self.record:
                self.log.append((time.time(), surface, name))
        wait = self.rtt * (2 if new else 1) + (self.create if is_create else 0.0)
        if wait > 0:
            time.sleep(wait)

    def new_connection(self) -> None:
        """A connection opened to the proxy (REST: the handler's setup): one round trip."""
        with self._lock:
            self.connections += 1
        if self.rtt > 0:
            time.sleep(self.rtt)
