"""The base Struct every wire model derives from.

Wire names are camelCase, Python names snake_case. ``omit_defaults`` together with
``msgspec.UNSET`` means a request carries only the fields the caller actually set,
so a page fetched with GET and sent back with PATCH never echoes read-only fields
the caller did not touch.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["UNSET", "Model", "UnsetType"]

UNSET = msgspec.UNSET
UnsetType = msgspec.UnsetType


class Model(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True):
    """Base for every HubSpot wire structure.

    Response decoding is lenient on purpose: unknown fields are ignored, enum-like
    fields are typed ``str`` (HubSpot's enums grow; see the facts file, section 6.2),
    and every field may be missing or null.
    """

    def to_builtins(self) -> dict[str, Any]:
        """This object as plain ``dict``/``list``/``str`` values under HubSpot's camelCase
        names, leaving out what was never set (datetimes become ISO 8601 strings); what
        ``json.dumps`` or a web framework's JSON response takes as it is::

            web.json_response(page.to_builtins())
        """
        built: dict[str, Any] = msgspec.to_builtins(self)
        return built

    def to_json(self) -> bytes:
        """This object as HubSpot's JSON (camelCase names, unset fields left out)."""
        return _ENCODER.encode(self)


_ENCODER = msgspec.json.Encoder()
