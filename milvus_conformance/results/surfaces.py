"""The one surface vocabulary: where a case reaches the operation.

- `Surface`: REST, the SDK, or both (a case that compares them);
- `SdkStyle`: the two documented ways to call the SDK (`utility.create_user`, `MilvusClient`);
- `Channel`: a surface and, for the SDK, a style - what a case parametrized over surfaces runs on.

All three are `StrEnum`s, so a parameter's pytest ID is its value ("rest", "sdk-utility", "utility")
and results.json stores plain strings.
"""

from __future__ import annotations

from enum import StrEnum


class Surface(StrEnum):
    REST = "rest"
    SDK = "sdk"
    BOTH = "both"  # a case that exercises both surfaces (parity, user cap, ...)


class SdkStyle(StrEnum):
    UTILITY = "utility"  # pymilvus.utility.create_user on a connection alias
    CLIENT = "client"  # pymilvus.MilvusClient.create_user


class Channel(StrEnum):
    REST = "rest"
    SDK_UTILITY = "sdk-utility"
    SDK_CLIENT = "sdk-client"

    @property
    def surface(self) -> Surface:
        return Surface.REST if self is Channel.REST else Surface.SDK

    @property
    def style(self) -> SdkStyle | None:
        return _STYLE_OF.get(self)

    @classmethod
    def sdk(cls, style: SdkStyle) -> "Channel":
        return _CHANNEL_OF[SdkStyle(style)]

    @classmethod
    def of(cls, surface: Surface, style: SdkStyle | None) -> "Channel | None":
        """The channel of a case's surface and style; None for a case on both surfaces."""
        if surface is Surface.REST:
            return cls.REST
        if surface is Surface.SDK and style is not None:
            return cls.sdk(style)
        return None


_STYLE_OF = {Channel.SDK_UTILITY: SdkStyle.UTILITY, Channel.SDK_CLIENT: SdkStyle.CLIENT}
_CHANNEL_OF = {style: channel for channel, style in _STYLE_OF.items()}
CHANNELS = tuple(Channel)  # every surface and style a create can be sent through
SDK_STYLES = tuple(SdkStyle)
