"""Authorization variants for a create (S000 'Header parameters': Authorization, "Bearer ${TOKEN}";
CF section 3: 401/1800, Basic accepted, "Bearer " stripped, split at the first colon, a token without
a colon is an API key). Input: the request keywords of `RestClient.request` (token / headers / auth),
built from the suite's admin credentials (`users.admin()`). Data: `AuthData`."""

from dataclasses import dataclass

from milvus_conformance.harness.scenarios import Row


@dataclass(frozen=True)
class AuthData:
    kind: str  # the outcome kind on the active profile
    doc: str | None  # the documented kind (None: the docs do not say)


REFUSED = AuthData("auth_failed", "auth_failed")
ACCEPTED_UNDOCUMENTED = AuthData("ok", None)


TOKEN_ROWS = [
    Row("no-authorization-header", ("USER-CREATE-AUTH-REQUIRED",), lambda p, u: {"token": None}, data=REFUSED),
    Row(
        "empty-authorization",
        ("USER-CREATE-AUTH-REQUIRED",),
        lambda p, u: {"token": None, "headers": {"Authorization": ""}},
        data=REFUSED,
    ),
    # "Bearer " with nothing after it: HTTP strips a header value's trailing whitespace (RFC 9110
    # section 5.5; httpx refuses to send it), so what any server sees is "Bearer".
    Row(
        "bearer-without-token",
        ("USER-CREATE-AUTH-REQUIRED",),
        lambda p, u: {"token": None, "headers": {"Authorization": "Bearer"}},
        data=REFUSED,
    ),
    Row(
        "token-without-colon",
        ("USER-CREATE-AUTH-REQUIRED", "USER-CREATE-AUTH-TOKEN-FORMAT"),
        lambda p, u: {"token": "conformanceNotAnApiKey" + u.name()},
        data=REFUSED,
    ),
    Row(
        "wrong-password",
        ("USER-CREATE-AUTH-REQUIRED",),
        lambda p, u: {"token": f"{u.admin().user}:{u.admin().password}x"},
        data=REFUSED,
    ),
    Row(
        "unknown-user",
        ("USER-CREATE-AUTH-REQUIRED",),
        lambda p, u: {"token": f"{u.name()}:{u.admin().password}"},
        data=REFUSED,
    ),
    Row(
        "user-without-password",
        ("USER-CREATE-AUTH-REQUIRED", "USER-CREATE-AUTH-TOKEN-FORMAT"),
        lambda p, u: {"token": f"{u.admin().user}:"},
        data=REFUSED,
    ),
    Row(
        "scheme-without-bearer",
        ("USER-CREATE-AUTH-REQUIRED", "USER-CREATE-AUTH-TOKEN-FORMAT"),
        lambda p, u: {"token": None, "headers": {"Authorization": f"{u.admin().user}:{u.admin().password}"}},
        data=ACCEPTED_UNDOCUMENTED,
    ),
    Row(
        "basic-right-credentials",
        ("USER-CREATE-AUTH-BASIC",),
        lambda p, u: {"token": None, "auth": tuple(u.admin())},
        data=ACCEPTED_UNDOCUMENTED,
    ),
    Row(
        "basic-wrong-password",
        ("USER-CREATE-AUTH-BASIC", "USER-CREATE-AUTH-REQUIRED"),
        lambda p, u: {"token": None, "auth": (u.admin().user, u.admin().password + "x")},
        data=REFUSED,
    ),
]
