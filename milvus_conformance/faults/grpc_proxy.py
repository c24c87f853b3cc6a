"""The fault-injecting gRPC proxy for the SDK surface (grpcio generic handlers): forwards raw bytes
to the real Milvus and decodes/alters only the user messages (PARSED) (with
`pymilvus.grpc_gen` protobufs), for ONE named fault of faults/sdk_faults.py (transformations: faults/sdk_transforms.py).

    from milvus_conformance.faults.grpc_proxy import start_grpc_fault_proxy
    px = start_grpc_fault_proxy("127.0.0.1:19530", "sdk-duplicate-accepted")
    px.uri          # give this to the suite as --grpc-uri
    px.created      # user names created through the proxy (for clean-up)
    px.stop()
"""

from __future__ import annotations

import copy
import time
from concurrent import futures
from dataclasses import dataclass

import grpc
from pymilvus.grpc_gen import common_pb2, milvus_pb2

from milvus_conformance.contract.profiles import load_profile
from milvus_conformance.faults.catalogue import by_name
from milvus_conformance.faults.latency import Latency
from milvus_conformance.faults.model import Fault, FaultContext
from milvus_conformance.faults.sdk_transforms import CREATE, ok

SERVICE = "/milvus.proto.milvus.MilvusService/"
PARSED = {  # method -> (request type, response type): the only messages the proxy decodes
    CREATE: (milvus_pb2.CreateCredentialRequest, common_pb2.Status),
    "ListCredUsers": (milvus_pb2.ListCredUsersRequest, milvus_pb2.ListCredUsersResponse),
    "SelectUser": (milvus_pb2.SelectUserRequest, milvus_pb2.SelectUserResponse),
    "DeleteCredential": (milvus_pb2.DeleteCredentialRequest, common_pb2.Status),
    "UpdateCredential": (milvus_pb2.UpdateCredentialRequest, common_pb2.Status),
}
STREAMING = {
    m.name
    for m in milvus_pb2.DESCRIPTOR.services_by_name["MilvusService"].methods
    if m.client_streaming or m.server_streaming
}
OPTIONS = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]
WORKERS = 32  # the concurrency cases send 16 creates at once


class GrpcContext(FaultContext):
    """The gRPC proxy's context: more unary calls upstream with the current caller's credentials.
    `for_call` gives each call its own copy (its metadata) sharing everything else."""

    def __init__(
        self, upstream: str, channel: grpc.Channel, admin_token: str | None, profile, latency: Latency | None = None
    ):
        super().__init__(admin_token, profile)
        self.latency = latency or Latency()  # a simulated remote target (faults/latency.py)
        self.upstream, self.channel = upstream, channel
        self.metadata: list = []
        self.created: set[str] = set()
        self.stats = {"calls": 0, "seconds": 0.0, "by_method": {}}

    def for_call(self, metadata: list) -> "GrpcContext":
        view = copy.copy(self)  # shallow: lock, state, created and stats stay shared
        view.metadata = metadata
        return view

    def call(self, method: str, request_msg, response_type):
        """Another unary call upstream, with the current caller's credentials."""
        fn = self.channel.unary_unary(SERVICE + method, request_serializer=None, response_deserializer=None)
        return response_type.FromString(fn(request_msg.SerializeToString(), metadata=self.metadata, timeout=30))

    def drop_user(self, name: str):
        return self.call("DeleteCredential", milvus_pb2.DeleteCredentialRequest(username=name), common_pb2.Status)


def _forward_metadata(context) -> list:
    return [
        (k, v)
        for k, v in context.invocation_metadata()
        if not k.startswith((":", "grpc-")) and k not in ("user-agent", "content-type", "te")
    ]


class _Handler(grpc.GenericRpcHandler):
    def __init__(self, fault: Fault | None, ctx: GrpcContext):
        self.fault, self.ctx = fault, ctx

    def _metadata(self, context) -> list:
        md = _forward_metadata(context)
        if self.fault is not None and self.fault.metadata_transform is not None:
            md = self.fault.metadata_transform(md, self.ctx)
        return md

    def service(self, details):
        method = details.method
        name = method.rsplit("/", 1)[-1]
        if method.startswith(SERVICE) and name in STREAMING:
            return grpc.stream_stream_rpc_method_handler(
                lambda it, context: self.ctx.channel.stream_stream(method)(it, metadata=self._metadata(context))
            )
        return grpc.unary_unary_rpc_method_handler(lambda raw, context: self._unary(method, name, raw, context))

    def _send(self, method: str, name: str, parsed, md, timeout):
        """The forwarding function: a message (or raw bytes) upstream -> the answer or the RpcError."""

        def send(msg):
            raw = msg if isinstance(msg, bytes) else msg.SerializeToString()
            started = time.perf_counter()
            try:
                out = self.ctx.channel.unary_unary(method)(raw, metadata=md, timeout=timeout)
                out = parsed[1].FromString(out) if parsed is not None else out
            except grpc.RpcError as exc:
                out = exc
            with self.ctx.lock:
                stats = self.ctx.stats
                stats["calls"] += 1
                stats["seconds"] += time.perf_counter() - started
                stats["by_method"][name] = stats["by_method"].get(name, 0) + 1
            return out

        return send

    def _unary(self, method: str, name: str, raw: bytes, context):
        self.ctx.latency.request("grpc", name, name == CREATE, context.peer())
        md = self._metadata(context)
        remaining = context.time_remaining()
        timeout = remaining if remaining is not None and remaining < 1e6 else None
        parsed = PARSED.get(name) if method.startswith(SERVICE) else None
        fault, call_ctx = self.fault, self.ctx.for_call(md)
        send = self._send(method, name, parsed, md, timeout)
        if parsed is None:
            out = send(raw)
        else:
            msg = parsed[0].FromString(raw)
            if fault is not None and fault.request_transform is not None:
                msg = fault.request_transform(name, msg, call_ctx)
            out = fault.around(name, msg, call_ctx, send) if fault is not None and fault.around else send(msg)
            if name == CREATE and ok(out):
                with self.ctx.lock:
                    self.ctx.created.add(msg.username)
            if fault is not None and fault.response_transform is not None:
                out = fault.response_transform(name, msg, out, call_ctx)
        if isinstance(out, grpc.RpcError):
            if hasattr(out, "trailing_metadata") and out.trailing_metadata():
                context.set_trailing_metadata(out.trailing_metadata())
            context.abort(out.code(), out.details() or "")
        return out if isinstance(out, bytes) else out.SerializeToString()


@dataclass
class GrpcProxyHandle:
    server: grpc.Server
    port: int
    ctx: GrpcContext

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def created(self) -> set[str]:
        return set(self.ctx.created)

    @property
    def requests(self) -> int:
        return self.ctx.stats["calls"]

    @property
    def upstream_seconds(self) -> float:
        return self.ctx.stats["seconds"]

    def stop(self) -> None:
        self.server.stop(grace=1).wait()
        self.ctx.channel.close()


def start_grpc_fault_proxy(
    upstream_host_port: str,
    fault: Fault | str | None,
    admin_token: str | None = "root:Milvus",
    profile: str | None = "embedded",
    latency: Latency | None = None,
) -> GrpcProxyHandle:
    """Start the proxy on a free local port. `fault` a Fault, its name, or None (forward only);
    `latency` makes the target look remote (faults/latency.py)."""
    if isinstance(fault, str):
        fault = None if fault == "none" else by_name(fault)
    if fault is not None and fault.layer != "grpc":
        raise ValueError(f"{fault.name} is a {fault.layer} fault, not one for the gRPC proxy")
    upstream = upstream_host_port.split("://", 1)[-1]
    ctx = GrpcContext(
        upstream,
        grpc.insecure_channel(upstream, options=OPTIONS),
        admin_token,
        load_profile(profile) if profile else None,
        latency,
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=WORKERS), options=OPTIONS)
    server.add_generic_rpc_handlers((_Handler(fault, ctx),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return GrpcProxyHandle(server, port, ctx)
