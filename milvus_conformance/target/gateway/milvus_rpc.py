"""gRPC calls to the real Milvus server, always with the CALLER's credentials.

The gateway holds no credentials of its own. Each call carries the metadata pymilvus sends
(``authorization`` = base64 of ``user:password`` or of the API key, see pymilvus
``GrpcHandler._setup_authorization_interceptor``) plus ``dbname`` as Milvus's REST layer puts into
its request context (``proxy.NewContextWithMetadata``). Passwords travel base64-encoded inside the
request, exactly as ``handler_v2.go`` does (``crypto.Base64Encode``) and as pymilvus does.

``verify`` is how the gateway reproduces ``PasswordVerify`` / ``VerifyAPIKey``: it makes a
``GetVersion`` call. On Milvus 2.3.5 with authorization enabled that call passes the server's
authentication interceptor for any valid user (even one without privileges: GetVersion needs no
privilege) and fails with UNAUTHENTICATED for a wrong password, an unknown user, an API key, or no
credentials (checked against the live server).
"""

from __future__ import annotations

import base64

import grpc
from pymilvus.grpc_gen import common_pb2, milvus_pb2, milvus_pb2_grpc

AUTH_PROBE_TIMEOUT_S = 10.0

# merr.OldCodeToMerr: how Milvus turns a Status with code == 0 but a failing legacy error_code
# into an error code (merr.Error(status)); anything else becomes errUnexpected (65535).
_OLD_CODE_TO_MERR = {
    "NotReadyServe": 1,
    "CollectionNotExists": 100,
    "IllegalArgument": 1100,
    "NodeIDNotMatch": 904,
    "InsufficientMemoryToLoad": 3,
    "MemoryQuotaExhausted": 3,
    "DiskQuotaExhausted": 7,
    "TimeTickLongDelay": 11,
    "RateLimit": 8,
    "ForceDeny": 9,
    "IndexNotExist": 700,
    "SegmentNotFound": 600,
    "MetaFailed": 500,
}
CODE_UNEXPECTED = 65535


class MilvusUnavailable(Exception):
    """The server cannot be reached (a gateway-only condition: Milvus's REST layer is in-process)."""


def status_error(status) -> tuple[int, str] | None:
    """``merr.Error(status)`` as (code, message), or None for a success status (``merr.Ok``)."""
    if status.error_code == common_pb2.Success and status.code == 0:
        return None
    code = status.code
    if code == 0:
        try:
            name = common_pb2.ErrorCode.Name(status.error_code)
        except ValueError:
            name = ""
        code = _OLD_CODE_TO_MERR.get(name, CODE_UNEXPECTED)
    return code, status.reason


def go_status_error_string(err: grpc.RpcError) -> str:
    """``status.Error(code, desc).Error()`` as Go prints it: "rpc error: code = X desc = Y"."""
    code = err.code()
    name = "OK" if code == grpc.StatusCode.OK else "".join(p.capitalize() for p in code.name.split("_"))
    return "rpc error: code = %s desc = %s" % (name, err.details() or "")


class MilvusRpc:
    def __init__(self, address: str, credentials: grpc.ChannelCredentials | None = None) -> None:
        """`credentials`: a TLS channel to a Milvus that serves TLS (the embedded target's TLS modes)."""
        self.address = address
        self._channel = (
            grpc.secure_channel(address, credentials) if credentials is not None else grpc.insecure_channel(address)
        )
        self._stub = milvus_pb2_grpc.MilvusServiceStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    @staticmethod
    def _metadata(token: bytes | None, db_name: str | None) -> list[tuple[str, str]]:
        md = []
        if token:
            md.append(("authorization", base64.b64encode(token).decode("ascii")))
        if db_name and all(" " <= ch <= "~" for ch in db_name):
            # gRPC metadata must be printable ASCII; Milvus puts the name into an in-process
            # context without that limit. A name that cannot travel is left out (= "default").
            md.append(("dbname", db_name))
        return md

    def verify(self, token: bytes) -> bool:
        """True if the server authenticates ``token`` (b"user:password" or an API key)."""
        try:
            self._stub.GetVersion(
                milvus_pb2.GetVersionRequest(), metadata=self._metadata(token, None), timeout=AUTH_PROBE_TIMEOUT_S
            )
            return True
        except grpc.RpcError as e:
            if e.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise MilvusUnavailable(self.address) from None
            return False

    def call(self, method: str, request, token: bytes | None, timeout_s: float, db_name: str):
        """One unary call; raises grpc.RpcError as is."""
        return getattr(self._stub, method)(request, metadata=self._metadata(token, db_name), timeout=timeout_s)


def b64(text: str) -> str:
    """``crypto.Base64Encode``: StdEncoding of the string's bytes."""
    return base64.b64encode(text.encode("utf-8", errors="surrogatepass")).decode("ascii")


# The requests handler_v2.go builds, per route.
def create_credential(v: dict[str, str]):
    return "CreateCredential", milvus_pb2.CreateCredentialRequest(username=v["userName"], password=b64(v["password"]))


def update_credential(v: dict[str, str]):
    return "UpdateCredential", milvus_pb2.UpdateCredentialRequest(
        username=v["userName"], oldPassword=b64(v["password"]), newPassword=b64(v["newPassword"])
    )


def delete_credential(v: dict[str, str]):
    return "DeleteCredential", milvus_pb2.DeleteCredentialRequest(username=v["userName"])


def list_cred_users(v: dict[str, str]):
    return "ListCredUsers", milvus_pb2.ListCredUsersRequest()


def select_user(v: dict[str, str]):
    return "SelectUser", milvus_pb2.SelectUserRequest(
        user=milvus_pb2.UserEntity(name=v["userName"]), include_role_info=True
    )


def add_user_to_role(v: dict[str, str]):
    return "OperateUserRole", milvus_pb2.OperateUserRoleRequest(
        username=v["userName"], role_name=v["roleName"], type=milvus_pb2.AddUserToRole
    )


def remove_user_from_role(v: dict[str, str]):
    return "OperateUserRole", milvus_pb2.OperateUserRoleRequest(
        username=v["userName"], role_name=v["roleName"], type=milvus_pb2.RemoveUserFromRole
    )
