"""One create per error kind on the SDK (S001 'EXCEPTIONS': MilvusException "when any error occurs";
CF section 5: ParamError for a non-str argument, grpc.RpcError for permission denied). Each builder
gets (profile, users) and returns (user, password); `data`: `kind` - the outcome kind the input must
give under the active profile (otherwise the row is skipped); `styles` - the SDK styles it applies
to; `kw` - extra call keywords; `existing` - the name is created first; `as_user` - the create is
made by a user without privileges. The exception type and code come from the profile."""
from milvus_conformance.harness.scenarios import NotCovered, Row, need
from tests.support import PASSWORD
from tests.tables.passwords import of_length

EXC = "SDK-CREATE-USER-EXCEPTION"
BOTH = ("utility", "client")
MISSING_ALIAS = "conformance-no-such-alias"


def _bcrypt(profile, users):
    """Over password.max_length but within the server's own validation: the over-max kind."""
    hi = need(profile, "password.max_length")
    hard = profile["password.validation_max"]
    if hard is not None and hard <= hi:
        raise NotCovered("no length between password.max_length and password.validation_max")
    return users.name(), of_length(hi + 1, need(profile, "password.length_unit"))


SDK_ERROR_ROWS = [
    Row("invalid-value", (EXC, "USER-CREATE-NAME-FIRST-CHAR"), lambda p, u: ("9" + u.name(), PASSWORD),
        data={"kind": "invalid_value", "styles": BOTH}),
    Row("over-max-password", (EXC, "USER-CREATE-PASSWORD-LENGTH"), _bcrypt,
        data={"kind": "bcrypt_error", "styles": BOTH}),
    Row("user-none", (EXC, "USER-CREATE-BODY-FIELDS"), lambda p, u: (None, PASSWORD),
        data={"kind": "missing_field", "styles": BOTH}),
    Row("password-not-a-string", (EXC, "USER-CREATE-BODY-FIELDS"), lambda p, u: (u.name(), 12345678),
        data={"kind": "missing_field", "styles": BOTH}),
    Row("duplicate", (EXC, "USER-CREATE-DUPLICATE"), lambda p, u: (u.name(), PASSWORD),
        data={"kind": "duplicate", "styles": BOTH, "existing": True}),
    Row("unknown-alias", (EXC, "SDK-CREATE-USER-USING"), lambda p, u: (u.name(), PASSWORD),
        data={"kind": "unknown_alias", "styles": ("utility",), "kw": {"using": MISSING_ALIAS}}),
    Row("permission-denied", (EXC, "USER-CREATE-PERMISSION"), lambda p, u: (u.name(), PASSWORD),
        data={"kind": "permission_denied", "styles": BOTH, "as_user": True}),
]
