"""REST v2 client (httpx). Every call returns a RestReply carrying a redacted Exchange."""

from __future__ import annotations

import json
import shlex
import ssl
import time
from dataclasses import dataclass
from typing import Any

import httpx

from milvus_conformance.clients.rate_limits import READ_ONLY, Backoff, rest_limit, retry_after
from milvus_conformance.clients.throttle import RateLimit
from milvus_conformance.clients.tls import TlsSettings
from milvus_conformance.errors import HarnessError, TargetUnreachable, TlsError
from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.model import Exchange
from milvus_conformance.results.surfaces import Surface

# Answers of a proxy or load balancer in front of the target: no verdict can be drawn from them.
UNAVAILABLE_STATUSES = (502, 503, 504)

ROOT = "/v2/vectordb/"  # operations are named by the path under it: "users/create"
USERS = ROOT + "users"
_UNSET = object()


@dataclass
class RestReply:
    status: int
    headers: dict[str, str]
    text: str
    exchange: Exchange

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def code(self) -> Any:
        body = self.json
        return body.get("code") if isinstance(body, dict) else None


class RestClient:
    """One per process and token; `recorder` (a CaseRecorder) receives every exchange of a case;
    `throttle` (the process's RateLimit) paces every request."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        timeout: float = 15.0,
        recorder=None,
        http: httpx.Client | None = None,
        throttle: RateLimit | None = None,
        tls: TlsSettings | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.recorder = recorder
        self.throttle = throttle or RateLimit()
        self.tls = tls or TlsSettings()
        REDACTOR.add(token)
        self._http = http or http_client(self.base_url, timeout, self.tls)

    def with_recorder(self, recorder) -> "RestClient":
        return RestClient(
            self.base_url, self.token, recorder=recorder, http=self._http, throttle=self.throttle, tls=self.tls
        )

    def close(self) -> None:
        self._http.close()

    # ---- the raw request: everything a malformed-input case needs --------------------------------
    def request(
        self,
        path: str,
        json_body: Any = _UNSET,
        *,
        content: bytes | str | None = None,
        method: str = "POST",
        token: Any = _UNSET,
        headers: dict | None = None,
        auth: tuple[str, str] | None = None,
    ) -> RestReply:
        hdrs = {"Accept": "application/json"}
        token = self.token if token is _UNSET else token
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        if json_body is not _UNSET:
            content = json.dumps(json_body, ensure_ascii=False)
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        body = content.encode("utf-8") if isinstance(content, str) else content
        backoff = Backoff(f"{method} {path}", path.split(ROOT, 1)[-1] in READ_ONLY)
        while True:  # a rate-limit answer is no verdict: back off (clients/rate_limits.py)
            response = self._send(method, path, body, hdrs, auth)
            limit = rest_limit(response.status_code, _json_or_none(response))
            if limit is None:
                break
            backoff.wait_or_raise(limit, retry_after(response.headers))
        reply = RestReply(
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            text=response.text,
            exchange=self._exchange(method, path, body, hdrs, auth, response),
        )
        if self.recorder is not None:
            self.recorder.add_exchange(reply.exchange)
        return reply

    def _send(self, method, path, body, headers, auth) -> httpx.Response:
        # Retry only when the request provably never left (connect failed): retrying a create that
        # may have reached the server would turn into a false "duplicate".
        for attempt in (1, 2):
            self.throttle.wait()
            try:
                response = self._http.request(
                    method,
                    path,
                    content=body,
                    headers=_wire(headers),
                    auth=auth,
                    extensions=self.tls.httpx_extensions(),
                )
                if response.status_code in UNAVAILABLE_STATUSES:
                    raise TargetUnreachable(
                        f"REST target {self.base_url} answered HTTP {response.status_code} (unavailable) on {path}"
                    )
                return response
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if _tls_cause(exc) is not None:  # a handshake failure does not go away on retry
                    raise TlsError(f"TLS: REST target {self.base_url}: {_tls_cause(exc)}") from None
                if attempt == 2:
                    raise TargetUnreachable(f"REST target {self.base_url} unreachable: {exc}") from None
                time.sleep(0.5)
            except httpx.TimeoutException as exc:
                raise HarnessError(f"REST target {self.base_url} timed out on {path}: {exc!r}") from None
            except httpx.TransportError as exc:
                raise TargetUnreachable(f"REST target {self.base_url} failed on {path}: {exc}") from None
        raise AssertionError("unreachable")

    def _exchange(self, method, path, body, headers, auth, response) -> Exchange:
        text = body.decode("utf-8", "replace") if body else ""
        try:
            shown_body: Any = REDACTOR.redact_json(json.loads(text)) if text else ""
        except ValueError:
            shown_body = REDACTOR.redact_text(text[:4000])
        shown_headers = REDACTOR.redact_headers(headers)
        if auth:
            shown_headers["Authorization"] = "Basic ***"
        request = {"method": method, "url": self.base_url + path, "headers": shown_headers, "body": shown_body}
        resp_text = REDACTOR.redact_text(response.text[:4000])
        reply = {
            "status": response.status_code,
            "headers": {"content-type": response.headers.get("content-type", "")},
            "body": resp_text,
        }
        return Exchange(
            Surface.REST, request, reply, reproduction=_curl(request, self.tls), operation=path.split(ROOT, 1)[-1]
        )

    # ---- the user routes ------------------------------------------------------------------------
    def create_user(self, name: Any, password: Any, **kw) -> RestReply:
        return self.request(f"{USERS}/create", {"userName": name, "password": password}, **kw)

    def list_users(self, **kw) -> RestReply:
        return self.request(f"{USERS}/list", {}, **kw)

    def describe_user(self, name: str, **kw) -> RestReply:
        return self.request(f"{USERS}/describe", {"userName": name}, **kw)

    def drop_user(self, name: str, **kw) -> RestReply:
        return self.request(f"{USERS}/drop", {"userName": name}, **kw)

    def update_password(self, name: str, old: str, new: str, **kw) -> RestReply:
        body = {"userName": name, "password": old, "newPassword": new}
        return self.request(f"{USERS}/update_password", body, **kw)

    def user_names(self) -> list[str]:
        """The target's user names, as the admin sees them; a harness error if that fails."""
        reply = self.list_users()
        body = reply.json
        if reply.status != 200 or not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise HarnessError(
                f"users/list failed for the suite's own token: HTTP {reply.status} "
                f"{REDACTOR.redact_text(reply.text[:200])}"
            )
        return list(body["data"])


def _wire(headers: dict) -> dict:
    """A non-ASCII header value (a token with a multibyte password) as its UTF-8 bytes, as curl sends
    it from a UTF-8 terminal and Go's net/http reads it; httpx would refuse the str."""
    return {k: v.encode("utf-8") if isinstance(v, str) and not v.isascii() else v for k, v in headers.items()}


def http_client(base_url: str, timeout: float, tls: TlsSettings, **kwargs) -> httpx.Client:
    """An httpx client for `base_url` with the run's TLS settings (CA, client certificate, or no
    verification for --insecure-tls); callers add `tls.httpx_extensions()` per request."""
    verify = tls.ssl_context() if base_url.startswith("https://") else True
    return httpx.Client(base_url=base_url, timeout=timeout, verify=verify, **kwargs)


def _tls_cause(exc: BaseException) -> str | None:
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return getattr(cause, "verify_message", None) or (cause.reason or str(cause)).lower()
        cause = cause.__cause__ or cause.__context__
    return None


def curl_tls_options(tls: TlsSettings) -> list[str]:
    """curl's spelling of the run's TLS settings (paths only, never the files' contents)."""
    parts = ["-k"] if tls.insecure else []
    parts += ["--cacert", tls.ca_cert] if tls.ca_cert else []
    parts += ["--cert", tls.client_cert, "--key", tls.client_key] if tls.client_cert else []
    return parts


def _curl(request: dict, tls: TlsSettings) -> str:
    parts = [
        "curl",
        "-sS",
        *(curl_tls_options(tls) if request["url"].startswith("https://") else []),
        "-X",
        request["method"],
        request["url"],
    ]
    for k, v in request["headers"].items():
        value = "Bearer $TOKEN" if k.lower() == "authorization" and v.startswith("Bearer") else v
        parts += ["-H", f"{k}: {value}"]
    body = request["body"]
    if body != "":
        parts += ["--data-raw", body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)]
    return " ".join(shlex.quote(p) for p in parts)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
