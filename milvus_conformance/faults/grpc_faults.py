"""Fault injection for the SDK surface: a small gRPC proxy (grpcio generic handlers) that forwards raw
bytes to the real Milvus and parses/alters only CreateCredential, ListCredUsers and DeleteCredential
messages (with `pymilvus.grpc_gen` protobufs), for ONE named fault.

    from milvus_conformance.faults.grpc_faults import start_grpc_fault_proxy
    px = start_grpc_fault_proxy("127.0.0.1:19530", "sdk-duplicate-accepted")
    px.uri          # give this to the suite as --grpc-uri
    px.created      # user names created through the proxy (for clean-up)
    px.stop()

An SDK fault's transforms (Fault.surface == "sdk"):
    request_transform(method, request_msg, ctx)            -> request_msg (forwarded instead)
    response_transform(method, request_msg, outcome, ctx) -> outcome
where `outcome` is the response message or the `grpc.RpcError` the server raised (returning an
RpcError makes the proxy answer with that error).
"""
from __future__ import annotations

import base64
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field, replace

import grpc
from pymilvus.grpc_gen import common_pb2, milvus_pb2

from milvus_conformance.faults.catalogue import Fault

SERVICE = "/milvus.proto.milvus.MilvusService/"
PARSED = {  # method -> (request type, response type): the only messages the proxy decodes
    "CreateCredential": (milvus_pb2.CreateCredentialRequest, common_pb2.Status),
    "ListCredUsers": (milvus_pb2.ListCredUsersRequest, milvus_pb2.ListCredUsersResponse),
    "DeleteCredential": (milvus_pb2.DeleteCredentialRequest, common_pb2.Status),
}
STREAMING = {m.name for m in milvus_pb2.DESCRIPTOR.services_by_name["MilvusService"].methods
             if m.client_streaming or m.server_streaming}
OPTIONS = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]


@dataclass
class GrpcContext:
    upstream: str
    channel: grpc.Channel
    metadata: list = field(default_factory=list)      # the current call's metadata
    created: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stats: dict = field(default_factory=lambda: {"calls": 0, "seconds": 0.0, "by_method": {}})

    def call(self, method: str, request_msg, response_type):
        """Another unary call upstream, with the current caller's credentials."""
        fn = self.channel.unary_unary(SERVICE + method, request_serializer=None, response_deserializer=None)
        return response_type.FromString(fn(request_msg.SerializeToString(), metadata=self.metadata, timeout=30))

    def drop_user(self, name: str):
        return self.call("DeleteCredential", milvus_pb2.DeleteCredentialRequest(username=name), common_pb2.Status)


def ok(status) -> bool:
    return isinstance(status, common_pb2.Status) and status.code == 0 and status.error_code == common_pb2.Success


def _password(req) -> str:
    return base64.b64decode(req.password).decode("utf-8", "replace")


def _with_password(req, password: str):
    req.password = base64.b64encode(password.encode("utf-8"))
    return req


# ---- the transforms ----------------------------------------------------------------------------------
def _duplicate_ok(method, req, out, ctx):
    if method == "CreateCredential" and not ok(out) and "already exist" in getattr(out, "reason", ""):
        return common_pb2.Status()
    return out


def _code_1100_to_65535(method, req, out, ctx):
    if method == "CreateCredential" and isinstance(out, common_pb2.Status) and out.code == 1100:
        out.code = 65535
        out.error_code = common_pb2.UnexpectedError
    return out


def _permission_swallowed(method, req, out, ctx):
    if method == "CreateCredential" and isinstance(out, grpc.RpcError) \
            and out.code() == grpc.StatusCode.PERMISSION_DENIED:
        return common_pb2.Status()
    return out


def _not_created(method, req, out, ctx):
    if method == "CreateCredential" and ok(out):
        ctx.drop_user(req.username)
    return out


def _password_altered(method, req, ctx):
    return _with_password(req, _password(req) + "x") if method == "CreateCredential" and req.password else req


def _name_cut(method, req, ctx):
    if method == "CreateCredential" and len(req.username.encode("utf-8")) > 32:
        req.username = req.username.encode("utf-8")[:32].decode("utf-8", "ignore")
    return req


def _list_omits_created(method, req, out, ctx):
    if method == "ListCredUsers" and isinstance(out, milvus_pb2.ListCredUsersResponse):
        kept = [n for n in out.usernames if n not in ctx.created]
        del out.usernames[:]
        out.usernames.extend(kept)
    return out


def _drop_noop(method, req, ctx):
    if method == "DeleteCredential":
        req.username = "conformance_drop_noop_nobody"   # drop of an unknown user: success, drops nothing
    return req


def _error_as_rpc_error(method, req, out, ctx):
    if method == "CreateCredential" and isinstance(out, common_pb2.Status) and not ok(out):
        return _Abort(grpc.StatusCode.INVALID_ARGUMENT, out.reason)   # pymilvus does not retry it
    return out


class _Abort(grpc.RpcError):
    def __init__(self, code, details):
        self._code, self._details = code, details

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return ()


def sdk(name, requirement, description, request=None, response=None) -> Fault:
    return Fault(name, requirement, description, request, response, surface="sdk")


SDK_FAULTS = [
    sdk("sdk-duplicate-accepted", "USER-CREATE-DUPLICATE", "gRPC: a duplicate CreateCredential answers success",
        response=_duplicate_ok),
    sdk("sdk-code-1100-to-65535", "USER-CREATE-NAME-CHARSET", "gRPC: CreateCredential invalid-value errors (1100) "
        "carry 65535", response=_code_1100_to_65535),
    sdk("sdk-permission-swallowed", "USER-CREATE-PERMISSION", "gRPC: a CreateCredential refused with "
        "PERMISSION_DENIED answers success", response=_permission_swallowed),
    sdk("sdk-user-not-created", "USER-CREATE-SEMANTICS", "gRPC: CreateCredential answers success but the user is "
        "dropped right after", response=_not_created),
    sdk("sdk-password-altered", "USER-CREATE-SEMANTICS", 'gRPC: the user is created with "x" appended to the '
        "password", request=_password_altered),
    sdk("sdk-name-over-max-accepted", "USER-CREATE-NAME-LENGTH", "gRPC: a username over 32 bytes is cut to 32 "
        "and created", request=_name_cut),
    sdk("sdk-list-omits-new-users", "USER-LIST-ENVELOPE", "gRPC: ListCredUsers leaves out the users created "
        "through the proxy", response=_list_omits_created),
    sdk("sdk-error-as-rpc-error", "SDK-CREATE-USER-EXCEPTION", "gRPC: CreateCredential error statuses become a "
        "raw INVALID_ARGUMENT gRPC error", response=_error_as_rpc_error),
    sdk("sdk-drop-noop", "USER-DROP-SEMANTICS", "gRPC: DeleteCredential answers success and deletes nothing",
        request=_drop_noop),
]


# ---- the proxy --------------------------------------------------------------------------------------
def _forward_metadata(context) -> list:
    return [(k, v) for k, v in context.invocation_metadata()
            if not k.startswith((":", "grpc-")) and k not in ("user-agent", "content-type", "te")]


class _Handler(grpc.GenericRpcHandler):
    def __init__(self, fault: Fault | None, ctx: GrpcContext):
        self.fault, self.ctx = fault, ctx

    def service(self, details):
        method = details.method
        name = method.rsplit("/", 1)[-1]
        if method.startswith(SERVICE) and name in STREAMING:
            return grpc.stream_stream_rpc_method_handler(
                lambda it, context: self.ctx.channel.stream_stream(method)(
                    it, metadata=_forward_metadata(context)))
        return grpc.unary_unary_rpc_method_handler(lambda raw, context: self._unary(method, name, raw, context))

    def _unary(self, method: str, name: str, raw: bytes, context):
        md = _forward_metadata(context)
        remaining = context.time_remaining()
        timeout = remaining if remaining is not None and remaining < 1e6 else None
        parsed = PARSED.get(name) if method.startswith(SERVICE) else None
        fault, msg, call_ctx = self.fault, None, replace(self.ctx, metadata=md)
        if parsed is not None:
            msg = parsed[0].FromString(raw)
            if fault is not None and fault.request_transform is not None:
                msg = fault.request_transform(name, msg, call_ctx)
            raw = msg.SerializeToString()
        started = time.perf_counter()
        try:
            out = self.ctx.channel.unary_unary(method)(raw, metadata=md, timeout=timeout)
            if parsed is not None:
                out = parsed[1].FromString(out)
        except grpc.RpcError as exc:
            out = exc
        with self.ctx.lock:
            self.ctx.stats["calls"] += 1
            self.ctx.stats["seconds"] += time.perf_counter() - started
            self.ctx.stats["by_method"][name] = self.ctx.stats["by_method"].get(name, 0) + 1
        if parsed is not None:
            if name == "CreateCredential" and ok(out):
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


def start_grpc_fault_proxy(upstream_host_port: str, fault: Fault | str | None) -> GrpcProxyHandle:
    """Start the gRPC proxy on a free local port. `fault` a Fault, its name, or None (forward only)."""
    from milvus_conformance.faults.catalogue import by_name

    if isinstance(fault, str):
        fault = None if fault == "none" else by_name(fault)
    if fault is not None and fault.surface != "sdk":
        raise ValueError(f"{fault.name} is a REST fault: use start_fault_proxy")
    upstream = upstream_host_port.split("://", 1)[-1]
    ctx = GrpcContext(upstream, grpc.insecure_channel(upstream, options=OPTIONS))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16), options=OPTIONS)
    server.add_generic_rpc_handlers((_Handler(fault, ctx),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return GrpcProxyHandle(server, port, ctx)
