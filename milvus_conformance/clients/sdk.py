"""Python SDK client (pymilvus), both documented styles: `utility.*` on a connection alias and
`MilvusClient`. Every call returns an SdkReply carrying a redacted Exchange."""

from __future__ import annotations

import logging
import secrets
import threading
import warnings
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import grpc
from pymilvus import MilvusClient, MilvusException, connections, utility

from milvus_conformance.clients.rate_limits import RateLimited, sdk_limit
from milvus_conformance.clients.throttle import RateLimit
from milvus_conformance.clients import warning_tap
from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.errors import HarnessError, TargetUnreachable
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.model import Exchange
from milvus_conformance.results.surfaces import SdkStyle, Surface

# pymilvus logs every refused call with a traceback; refusals are what this suite provokes.
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
warnings.filterwarnings("ignore", module="pymilvus")
warnings.filterwarnings("ignore", message=".*ORM-style PyMilvus API.*")

# The REST operation each SDK call is the counterpart of (results name operations the REST way).
OPERATIONS = {
    "create_user": "users/create",
    "list_users": "users/list",
    "list_usernames": "users/list",
    "describe_user": "users/describe",
    "drop_user": "users/drop",
    "delete_user": "users/drop",
    "update_password": "users/update_password",
    "reset_password": "users/update_password",
}


@dataclass
class SdkReply:
    returned: Any
    exception: BaseException | None
    exchange: Exchange
    warnings: tuple[str, ...] = ()  # e.g. PyMilvusDeprecationWarning: recorded, never a failure

    @property
    def raised(self) -> str | None:
        if self.exception is None:
            return None
        t = type(self.exception)
        return f"{t.__module__}.{t.__qualname__}"

    @property
    def code(self) -> int | str | None:
        return error_code(self.exception)


def error_code(exc: BaseException | None) -> int | str | None:
    """The code of an SDK error as plain data: an int, or the name of a gRPC status. pymilvus
    2.5.18 to 3.0.1 may leave `MilvusException.code` a bound method or a `grpc.StatusCode` when
    retries run out (CF section 7); that is reported as what it is, never crashes a check."""
    if isinstance(exc, MilvusException):
        return _plain_code(exc.code)
    if isinstance(exc, grpc.RpcError) and callable(getattr(exc, "code", None)):
        return _plain_code(exc.code())
    return None


def _plain_code(code: Any, depth: int = 0) -> int | str:
    if isinstance(code, int) and not isinstance(code, bool):
        return int(code)
    if isinstance(code, grpc.StatusCode):
        return code.name
    if callable(code) and getattr(code, "__name__", "") == "code" and depth == 0:
        try:  # RpcError.code, left unbound-called by pymilvus
            return _plain_code(code(), depth + 1)
        except Exception:  # noqa: BLE001 - what it is, as text
            pass
    return repr(code)[:100]


def _is_unreachable(exc: BaseException) -> bool:
    code = error_code(exc)
    if code == grpc.StatusCode.UNAVAILABLE.name:  # raw, or a MilvusException after the retries
        return True
    # pymilvus wraps a dead channel as code 2 "Fail connecting" / ServerUnavailable
    return isinstance(exc, MilvusException) and code == 2 and "connect" in str(exc).lower()


def _one_line(exc: BaseException) -> str:
    """A raw grpc.RpcError as `UNIMPLEMENTED: Method not implemented!`, not its five-line repr."""
    if isinstance(exc, grpc.RpcError) and callable(getattr(exc, "details", None)):
        return f"{error_code(exc)}: {exc.details() or '(no details)'}"
    return " ".join(str(exc).split())


def _refused_credentials(exc: BaseException) -> bool:
    """pymilvus raises code 2 both for refused credentials and a dead server; the gRPC error it
    wraps tells them apart (UNAUTHENTICATED: the server answered, and said no)."""
    cause = exc.__cause__
    return (
        isinstance(cause, grpc.RpcError)
        and callable(getattr(cause, "code", None))
        and cause.code() == grpc.StatusCode.UNAUTHENTICATED
    )


class _Styles:
    """The two documented styles' connections for one token: a `connections` alias (utility.*) and
    a MilvusClient, each opened on first use, closed together."""

    def __init__(
        self,
        uri: str,
        token: str | None,
        tls_kwargs: dict,
        alias: str | None = None,
        client: MilvusClient | None = None,
    ):
        self.uri, self.token, self.tls_kwargs = uri, token or "", tls_kwargs
        self.alias, self.client = alias, client
        self._connected = alias is not None
        self._lock = threading.Lock()  # shared by with_recorder() copies, maybe in several threads

    def _refused(self, exc: MilvusException) -> TargetUnreachable:
        return TargetUnreachable(
            f"SDK target {self.uri} refused the suite's connection (code {exc.code}): "
            f"{REDACTOR.redact_text(exc.message)}"
        )

    def open_alias(self) -> str:
        with self._lock:
            return self._open_alias()

    def _open_alias(self) -> str:
        if not self._connected:
            self.alias = self.alias or f"conformance-{secrets.token_hex(4)}"
            try:
                connections.connect(alias=self.alias, uri=self.uri, token=self.token, timeout=10, **self.tls_kwargs)
            except MilvusException as exc:
                raise self._refused(exc) from None
            self._connected = True
        return self.alias

    def open_client(self) -> MilvusClient:
        with self._lock:
            return self._open_client()

    def _open_client(self) -> MilvusClient:
        if self.client is None:
            try:
                self.client = MilvusClient(uri=self.uri, token=self.token, timeout=10, **self.tls_kwargs)
            except MilvusException as exc:
                raise self._refused(exc) from None
        return self.client

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connected:
            connections.disconnect(self.alias)
            self._connected = False
        if self.client is not None:
            self.client.close()
            self.client = None


@contextmanager
def _warnings_caught():
    """The warnings a call raises, to record with its exchange. `catch_warnings` swaps the process's
    warning state and is not thread-safe: a run-ahead case's thread (harness/run_ahead.py) records
    through the tap the engine installed (clients/warning_tap.py)."""
    tap = warning_tap.current()
    if threading.current_thread() is not threading.main_thread():
        with tap.caught() if tap is not None and tap.serves() else nullcontext([]) as caught:
            yield caught
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def _is_deadline(exc: BaseException) -> bool:
    return error_code(exc) in (grpc.StatusCode.DEADLINE_EXCEEDED.name, 10001)


class SdkClient:
    """`timeout`: the suite's own deadline (s) for a call whose case sets none (--request-timeout);
    `throttle`: the process's RateLimit; `recorder` receives every exchange of a case; `tls`: the
    run's TLS settings."""

    def __init__(
        self,
        uri: str,
        token: str | None,
        recorder=None,
        *,
        timeout: float = 15.0,
        throttle: RateLimit | None = None,
        tls: TlsSettings | None = None,
        _alias=None,
        _client: MilvusClient | None = None,
        _lazy: bool = False,
    ):
        self.uri = uri
        self.token = token
        self.recorder = recorder
        self.timeout = timeout
        self.throttle = throttle or RateLimit()
        self.tls = tls or TlsSettings()
        # pymilvus picks a secure channel for https:// itself; these add the CA, client certificate
        # and server name (TlsSettings.pymilvus_kwargs)
        self._tls_kwargs = self.tls.pymilvus_kwargs(uri)
        REDACTOR.add(token)
        # one connection per style, opened on first use and shared by with_recorder() copies
        self._styles = (
            _Styles(uri, token, self._tls_kwargs, _alias, _client)
            if _alias is None or isinstance(_alias, str)
            else _alias
        )
        if _alias is None and not _lazy:
            self._styles.open_client()  # the suite's own connection: refused -> one clear line

    @property
    def alias(self) -> str:
        """The `utility` style's connection alias (connected on first use)."""
        return self._styles.open_alias()

    @property
    def client(self) -> MilvusClient:
        """The `MilvusClient` style's client (connected on first use)."""
        return self._styles.open_client()

    def with_recorder(self, recorder) -> "SdkClient":
        return SdkClient(
            self.uri,
            self.token,
            recorder,
            timeout=self.timeout,
            throttle=self.throttle,
            tls=self.tls,
            _alias=self._styles,
        )

    def as_user(self, user: str, password: str) -> "SdkClient":
        """A client holding `user:password` instead of this client's token, with one connection
        per style used (opened on first use); the caller closes it."""
        REDACTOR.add_credentials(user, password)
        return SdkClient(
            self.uri,
            f"{user}:{password}",
            self.recorder,
            timeout=self.timeout,
            throttle=self.throttle,
            tls=self.tls,
            _lazy=True,
        )

    def close(self) -> None:
        self._styles.close()

    # ---- one observed call ----------------------------------------------------------------------
    def call(self, api: str, *args, **kwargs) -> SdkReply:
        """api: "utility.create_user", "client.create_user", ... ; `using` defaults to our alias."""
        style, name = api.split(".", 1)
        if style == "utility":
            fn = getattr(utility, name)
            kwargs.setdefault("using", self.alias)
        else:
            fn = getattr(self.client, name)
        own_deadline = "timeout" not in kwargs
        if own_deadline:
            kwargs["timeout"] = self.timeout
        returned, exception = None, None
        self.throttle.wait()
        with _warnings_caught() as caught:
            try:
                returned = fn(*args, **kwargs)
            except Exception as exc:  # the outcome under test, whatever its type
                exception = exc
        seen = tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
        if exception is not None:
            if _is_unreachable(exception):
                raise TargetUnreachable(f"SDK target {self.uri} unreachable during {api}") from None
            limit = sdk_limit(error_code(exception))  # pymilvus has backed off already
            if limit is not None:
                raise RateLimited(
                    f"the target rate-limited {api} on {self.uri} ({limit}) after "
                    f"pymilvus's own retries; no verdict (lower --rate-limit)"
                ) from None
            if own_deadline and _is_deadline(exception):
                raise HarnessError(
                    f"SDK target {self.uri} did not answer {api} within the suite's {self.timeout:.0f} s"
                ) from None
        if own_deadline:
            kwargs.pop("timeout")
        reply = SdkReply(returned, exception, self._exchange(api, args, kwargs, returned, exception, seen), seen)
        if self.recorder is not None:
            self.recorder.add_exchange(reply.exchange)
        return reply

    def create_user(self, style: SdkStyle, name: Any, password: Any, **kwargs) -> SdkReply:
        if SdkStyle(style) is SdkStyle.UTILITY:
            return self.call("utility.create_user", name, password, **kwargs)
        return self.call("client.create_user", user_name=name, password=password, **kwargs)

    def user_names(self) -> list[str]:
        return list(self._admin("list_users"))

    def drop_user(self, name: str) -> None:
        self._admin("drop_user", user_name=name)

    def _admin(self, method: str, **kwargs):
        """The suite's own bookkeeping calls: any failure is the harness's, never a verdict."""
        try:
            return getattr(self.client, method)(timeout=self.timeout, **kwargs)
        except Exception as exc:
            if _is_unreachable(exc) or _is_deadline(exc):
                raise TargetUnreachable(f"SDK target {self.uri} unreachable during {method}") from None
            raise HarnessError(
                f"the suite's own {method} failed on {self.uri}: {REDACTOR.redact_text(_one_line(exc))[:200]}"
            ) from None

    def can_authenticate(self, user: str, password: str) -> bool:
        """True if `user:password` opens a connection. A refusal counts only if the admin
        connection still works (pymilvus says code 2 both for bad credentials and a dead server)."""
        REDACTOR.add_credentials(user, password)
        # A connection of its own (an alias never used again: pymilvus would otherwise reuse a cached
        # connection per uri+token, so a dropped user would still seem to connect), opened the way
        # `connections.connect` opens one: MilvusClient (pymilvus 3.0.2) opens every connection of
        # the process under one lock held across the handshake, so logins in threads (--jobs)
        # would go one at a time. Both wait for the same authenticated Connect call.
        alias = f"login-{secrets.token_hex(8)}"
        try:
            connections.connect(alias=alias, uri=self.uri, token=f"{user}:{password}", timeout=10, **self._tls_kwargs)
            return True
        except MilvusException as exc:
            limit = sdk_limit(error_code(exc))
            if limit is not None:  # a rate-limited login is no refusal (clients/rate_limits.py)
                raise RateLimited(
                    f"the target rate-limited a login on {self.uri} ({limit}) after "
                    f"pymilvus's own retries; no verdict (lower --rate-limit)"
                ) from None
            if not _refused_credentials(exc):
                self.user_names()  # raises if the target itself is gone
            return False
        finally:
            connections.remove_connection(alias)

    def _exchange(self, api, args, kwargs, returned, exception, seen=()) -> Exchange:
        shown_kwargs = {k: v for k, v in kwargs.items() if k != "using" or v != self._styles.alias}
        shown_args = REDACTOR.redact_json(_named_args(api, args, shown_kwargs))
        request = {"call": api, "args": shown_args, "uri": self.uri}
        if exception is None:
            response = {"returned": repr(returned)[:500]}
        else:
            response = {
                "raised": f"{type(exception).__module__}.{type(exception).__qualname__}",
                "code": error_code(exception),
                "message": REDACTOR.redact_text(str(exception))[:1000],
            }
        if seen:
            response["warnings"] = [REDACTOR.redact_text(w)[:300] for w in seen]
        return Exchange(
            Surface.SDK,
            request,
            response,
            reproduction=_snippet(api, shown_args, self._tls_kwargs),
            operation=OPERATIONS.get(api.split(".", 1)[1], api),
        )


def _named_args(api: str, args: tuple, kwargs: dict) -> dict:
    names = {
        "create_user": ["user", "password"],
        "delete_user": ["user"],
        "drop_user": ["user"],
        "update_password": ["user", "old_password", "new_password"],
        "reset_password": ["user", "old_password", "new_password"],
    }
    out = dict(zip(names.get(api.split(".", 1)[1], []), args))
    out.update(kwargs)
    return out


def _snippet(api: str, shown_args: dict, tls_kwargs: dict) -> str:
    style, name = api.split(".", 1)
    arglist = ", ".join(f"{k}={v!r}" for k, v in shown_args.items())
    connect = "uri=URI, token=TOKEN" + "".join(f", {k}={v!r}" for k, v in tls_kwargs.items())
    if style == "utility":
        return f"from pymilvus import connections, utility\nconnections.connect({connect})\nutility.{name}({arglist})"
    return f"from pymilvus import MilvusClient\nMilvusClient({connect}).{name}({arglist})"
