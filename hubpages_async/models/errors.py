"""Error bodies as HubSpot sends them (``Error``, ``StandardError``, ``ErrorDetail``).

HubSpot's own docs say every field of an error body should be treated as optional,
and 429 bodies carry ``errorType``/``policyName`` instead of ``category``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ._base import UNSET, Model, UnsetType

__all__ = ["ErrorBody", "ErrorDetail", "StandardError"]


class ErrorDetail(Model):
    """One entry of an error's ``errors[]``."""

    message: str | None | UnsetType = UNSET
    code: str | None | UnsetType = UNSET
    # ``in`` is a Python keyword: the attribute is ``in_``, the wire name ``in``.
    in_: str | None | UnsetType = msgspec.field(default=UNSET, name="in")
    sub_category: str | None | UnsetType = UNSET
    context: dict[str, list[str]] | None | UnsetType = UNSET


class ErrorBody(Model):
    """The top-level error body (spec schema ``Error``), plus the 429 extras."""

    status: str | None | UnsetType = UNSET
    message: str | None | UnsetType = UNSET
    correlation_id: str | None | UnsetType = UNSET
    category: str | None | UnsetType = UNSET
    sub_category: str | None | UnsetType = UNSET
    errors: list[ErrorDetail] | None | UnsetType = UNSET
    context: dict[str, list[str]] | None | UnsetType = UNSET
    links: dict[str, str] | None | UnsetType = UNSET
    # Rate-limit bodies (429) use these instead of ``category``.
    error_type: str | None | UnsetType = UNSET
    policy_name: str | None | UnsetType = UNSET
    group_name: str | None | UnsetType = UNSET
    request_id: str | None | UnsetType = UNSET


class StandardError(Model):
    """One failed input of a batch (the ``errors[]`` of a 207 response).

    ``context`` names the failing input, e.g. ``{"id": ["123"]}`` or ``{"index": ["4"]}``.
    """

    status: str | None | UnsetType = UNSET
    category: str | None | UnsetType = UNSET
    message: str | None | UnsetType = UNSET
    id: str | None | UnsetType = UNSET
    sub_category: Any | UnsetType = UNSET
    errors: list[ErrorDetail] | None | UnsetType = UNSET
    context: dict[str, list[str]] | None | UnsetType = UNSET
    links: dict[str, str] | None | UnsetType = UNSET
