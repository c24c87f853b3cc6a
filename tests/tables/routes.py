"""Requests that miss the create route (CF section 3: 404 "404 page not found" for an unknown path
and for a wrong method on a known path; gin redirects a trailing slash). No builder: every request
carries the suite's token and a valid body with a fresh name. Data: `RouteData`."""

from dataclasses import dataclass

from milvus_conformance.clients.rest import USERS
from milvus_conformance.harness.scenarios import Row


@dataclass(frozen=True)
class RouteData:
    method: str
    path: str


WRONG_METHOD_ROWS = [
    Row(
        f"method-{method}",
        ("USER-CREATE-UNKNOWN-ROUTE", "USER-CREATE-ROUTE"),
        data=RouteData(method, f"{USERS}/create"),
    )
    for method in ("GET", "PUT", "DELETE", "PATCH")
]

UNKNOWN_PATH_ROWS = [
    Row("typo-creat", ("USER-CREATE-UNKNOWN-ROUTE",), data=RouteData("POST", f"{USERS}/creat")),
    Row("singular-user", ("USER-CREATE-UNKNOWN-ROUTE",), data=RouteData("POST", "/v2/vectordb/user/create")),
    Row("v1-prefix", ("USER-CREATE-UNKNOWN-ROUTE",), data=RouteData("POST", "/v1/vectordb/users/create")),
    Row("case-variant-path", ("USER-CREATE-UNKNOWN-ROUTE",), data=RouteData("POST", f"{USERS}/Create")),
]
