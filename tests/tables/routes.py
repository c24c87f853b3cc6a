"""Requests that miss the create route (CF section 3: 404 "404 page not found" for an unknown path
and for a wrong method on a known path; gin redirects a trailing slash). Each row's `data`: `method`
and `path` of the request, always with the suite's token and a valid body with a fresh name."""
from milvus_conformance.clients.rest import USERS
from milvus_conformance.harness.scenarios import Row

UNKNOWN_ROUTE = "USER-CREATE-UNKNOWN-ROUTE"

WRONG_METHOD_ROWS = [
    Row(f"method-{method}", (UNKNOWN_ROUTE, "USER-CREATE-ROUTE"),
        data={"method": method, "path": f"{USERS}/create"})
    for method in ("GET", "PUT", "DELETE", "PATCH")
]

UNKNOWN_PATH_ROWS = [
    Row("typo-creat", (UNKNOWN_ROUTE,), data={"method": "POST", "path": f"{USERS}/creat"}),
    Row("singular-user", (UNKNOWN_ROUTE,), data={"method": "POST", "path": "/v2/vectordb/user/create"}),
    Row("v1-prefix", (UNKNOWN_ROUTE,), data={"method": "POST", "path": "/v1/vectordb/users/create"}),
    Row("case-variant-path", (UNKNOWN_ROUTE,), data={"method": "POST", "path": f"{USERS}/Create"}),
]
