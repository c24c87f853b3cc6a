"""One create per error kind on the SDK (S001 'EXCEPTIONS': MilvusException "when any error occurs";
CF section 5: ParamError for a non-str argument, grpc.RpcError for permission denied). Input:
(user, password). Data: `SdkErrorData`. The exception type and code come from the profile."""

from dataclasses import dataclass, field

from milvus_conformance.harness.scenarios import NotCovered, Row, need
from milvus_conformance.results.surfaces import SDK_STYLES, SdkStyle
from tests.support import PASSWORD
from tests.tables.passwords import of_length

MISSING_ALIAS = "conformance-no-such-alias"


@dataclass(frozen=True)
class SdkErrorData:
    kind: str  # the outcome kind the input must give (else skip)
    styles: tuple[SdkStyle, ...] = SDK_STYLES  # the SDK styles the row applies to
    kw: dict = field(default_factory=dict)  # extra call keywords
    existing: bool = False  # the name is created first
    as_user: bool = False  # made by a user without privileges


def _bcrypt(profile, users):
    """Over password.max_length but within the server's own validation: the over-max kind."""
    hi = need(profile, "password.max_length")
    hard = profile["password.validation_max"]
    if hard is not None and hard <= hi:
        raise NotCovered("no length between password.max_length and password.validation_max")
    return users.name(), of_length(hi + 1, need(profile, "password.length_unit"))


SDK_ERROR_ROWS = [
    Row(
        "invalid-value",
        ("SDK-CREATE-USER-EXCEPTION", "USER-CREATE-NAME-FIRST-CHAR"),
        lambda p, u: ("9" + u.name(), PASSWORD),
        data=SdkErrorData("invalid_value"),
    ),
    Row(
        "over-max-password",
        ("SDK-CREATE-USER-EXCEPTION", "USER-CREATE-PASSWORD-LENGTH"),
        _bcrypt,
        data=SdkErrorData("bcrypt_error"),
    ),
    Row(
        "user-none",
        ("SDK-CREATE-USER-EXCEPTION", "USER-CREATE-BODY-FIELDS"),
        lambda p, u: (None, PASSWORD),
        data=SdkErrorData("missing_field"),
    ),
    Row(
        "password-not-a-string",
        ("SDK-CREATE-USER-EXCEPTION", "USER-CREATE-BODY-FIELDS"),
        lambda p, u: (u.name(), 12345678),
        data=SdkErrorData("missing_field"),
    ),
    Row(
        "duplicate",
        ("SDK-CREATE-USER-EXCEPTION", "USER-CREATE-DUPLICATE"),
        lambda p, u: (u.name(), PASSWORD),
        data=SdkErrorData("duplicate", existing=True),
    ),
    Row(
        "unknown-alias",
        ("SDK-CREATE-USER-EXCEPTION", "SDK-CREATE-USER-USING"),
        lambda p, u: (u.name(), PASSWORD),
        data=SdkErrorData("unknown_alias", styles=(SdkStyle.UTILITY,), kw={"using": MISSING_ALIAS}),
    ),
    Row(
        "permission-denied",
        ("SDK-CREATE-USER-EXCEPTION", "USER-CREATE-PERMISSION"),
        lambda p, u: (u.name(), PASSWORD),
        data=SdkErrorData("permission_denied", as_user=True),
    ),
]
