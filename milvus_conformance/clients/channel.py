"""One client shape for every channel (REST, `utility`, `MilvusClient`): a thin adapter over the
recorded RestClient and SdkClient, so that a case names an operation once instead of writing the
channel dispatch out. Every method but `user_names` and `authenticates` returns the channel's reply
(a RestReply or an SdkReply, recorded in the case), to be judged like any other.

    client = on(Channel.SDK_CLIENT, rest=rest, sdk=sdk)
    client.create(name, password); client.drop(name); client.update_password(name, old, new)
    client.list(); client.describe(name); client.user_names(); client.authenticates(user, password)
"""

from __future__ import annotations

from typing import Any

from milvus_conformance.redact import REDACTOR
from milvus_conformance.results.surfaces import Channel, SdkStyle

# style -> operation -> (the pymilvus API, whether the user name is passed as `user_name=`)
SDK_APIS = {
    SdkStyle.UTILITY: {
        "drop": "utility.delete_user",
        "update_password": "utility.reset_password",
        "list": "utility.list_usernames",
        "describe": "utility.list_user",
    },
    SdkStyle.CLIENT: {
        "drop": "client.drop_user",
        "update_password": "client.update_password",
        "list": "client.list_users",
        "describe": "client.describe_user",
    },
}


class RestChannel:
    channel = Channel.REST

    def __init__(self, rest):
        self.rest = rest

    def create(self, name: Any, password: Any, **kw):
        return self.rest.create_user(name, password, **kw)

    def drop(self, name: str):
        return self.rest.drop_user(name)

    def update_password(self, name: str, old: str, new: str):
        return self.rest.update_password(name, old, new)

    def list(self):
        return self.rest.list_users()

    def describe(self, name: str):
        return self.rest.describe_user(name)

    def user_names(self) -> list[str]:
        return self.rest.user_names()

    def login(self, user: str, password: str, basic: bool = False):
        """A request made with `user:password` that needs no privilege: describing the user itself.
        `basic`: as HTTP Basic credentials instead of a Bearer token (a header value cannot carry a
        password that ends in whitespace or holds a control character; CF section 8)."""
        REDACTOR.add_credentials(user, password)
        if basic:
            return self.rest.describe_user(user, token=None, auth=(user, password))
        return self.rest.describe_user(user, token=f"{user}:{password}")


class SdkChannel:
    def __init__(self, sdk, style: SdkStyle):
        self.sdk, self.style = sdk, SdkStyle(style)
        self.channel = Channel.sdk(self.style)
        self._apis = SDK_APIS[self.style]

    def create(self, name: Any, password: Any, **kw):
        return self.sdk.create_user(self.style, name, password, **kw)

    def drop(self, name: str):
        if self.style is SdkStyle.UTILITY:
            return self.sdk.call(self._apis["drop"], name)
        return self.sdk.call(self._apis["drop"], user_name=name)

    def update_password(self, name: str, old: str, new: str):
        return self.sdk.call(self._apis["update_password"], name, old, new)

    def list(self):
        return self.sdk.call(self._apis["list"])

    def describe(self, name: str):
        if self.style is SdkStyle.UTILITY:
            return self.sdk.call(self._apis["describe"], name, False)  # include_role_info
        return self.sdk.call(self._apis["describe"], user_name=name)

    def user_names(self) -> list[str]:
        return self.sdk.user_names()

    def authenticates(self, user: str, password: str) -> bool:
        """Whether a connection opens with `user:password`."""
        return self.sdk.can_authenticate(user, password)


def on(channel: Channel, rest=None, sdk=None) -> RestChannel | SdkChannel:
    """The client of `channel`, over the case's recorded `rest` or `sdk` client."""
    channel = Channel(channel)
    if channel is Channel.REST:
        return RestChannel(rest)
    return SdkChannel(sdk, channel.style)
