"""Authorization variants for a create (S000 'Header parameters': Authorization, "Bearer ${TOKEN}";
CF section 3: 401/1800, Basic accepted, "Bearer " stripped, split at the first colon, a token without
a colon is an API key). Each builder gets ((admin user, admin password), users) and returns the
request keywords of `RestClient.request` (token / headers / auth). `data`: `kind` - the outcome kind
on the active profile; `doc` - the documented kind (None: the docs do not say)."""
from milvus_conformance.harness.scenarios import Row

REQUIRED, BASIC = "USER-CREATE-AUTH-REQUIRED", "USER-CREATE-AUTH-BASIC"
FORMAT = "USER-CREATE-AUTH-TOKEN-FORMAT"
REFUSED = {"kind": "auth_failed", "doc": "auth_failed"}


TOKEN_ROWS = [
    Row("no-authorization-header", (REQUIRED,), lambda admin, users: {"token": None}, data=REFUSED),
    Row("empty-authorization", (REQUIRED,),
        lambda admin, users: {"token": None, "headers": {"Authorization": ""}}, data=REFUSED),
    # "Bearer " with nothing after it: HTTP strips a header value's trailing whitespace (RFC 9110
    # section 5.5; httpx refuses to send it), so what any server sees is "Bearer".
    Row("bearer-without-token", (REQUIRED,),
        lambda admin, users: {"token": None, "headers": {"Authorization": "Bearer"}}, data=REFUSED),
    Row("token-without-colon", (REQUIRED, FORMAT),
        lambda admin, users: {"token": "conformanceNotAnApiKey" + users.name()}, data=REFUSED),
    Row("wrong-password", (REQUIRED,),
        lambda admin, users: {"token": f"{admin[0]}:{admin[1]}x"}, data=REFUSED),
    Row("unknown-user", (REQUIRED,),
        lambda admin, users: {"token": f"{users.name()}:{admin[1]}"}, data=REFUSED),
    Row("user-without-password", (REQUIRED, FORMAT),
        lambda admin, users: {"token": f"{admin[0]}:"}, data=REFUSED),
    Row("scheme-without-bearer", (REQUIRED, FORMAT),
        lambda admin, users: {"token": None, "headers": {"Authorization": f"{admin[0]}:{admin[1]}"}},
        data={"kind": "ok", "doc": None}),
    Row("basic-right-credentials", (BASIC,),
        lambda admin, users: {"token": None, "auth": admin}, data={"kind": "ok", "doc": None}),
    Row("basic-wrong-password", (BASIC, REQUIRED),
        lambda admin, users: {"token": None, "auth": (admin[0], admin[1] + "x")}, data=REFUSED),
]
