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

    message: str | UnsetType | None = UNSET
    code: str | UnsetType | None = UNSET
    # ``in`` is a Python keyword: the attribute is ``in_``, the wire name ``in``.
    in_: str | UnsetType | None = msgspec.field(default=UNSET, name="in")
    sub_category: str | UnsetType | None = UNSET
    context: dict[str, list[str]] | UnsetType | None = UNSET


class ErrorBody(Model):
    """The top-level error body (spec schema ``Error``), plus the 429 extras."""

    status: str | UnsetType | None = UNSET
    message: str | UnsetType | None = UNSET
    correlation_id: str | UnsetType | None = UNSET
    category: str | UnsetType | None = UNSET
    sub_category: str | UnsetType | None = UNSET
    errors: list[ErrorDetail] | UnsetType | None = UNSET
    context: dict[str, list[str]] | UnsetType | None = UNSET
    links: dict[str, str] | UnsetType | None = UNSET
    # Rate-limit bodies (429) use these instead of ``category``.
    error_type: str | UnsetType | None = UNSET
    policy_name: str | UnsetType | None = UNSET
    group_name: str | UnsetType | None = UNSET
    request_id: str | UnsetType | None = UNSET


class StandardError(Model):
    """One failed input of a batch (the ``errors[]`` of a 207 response).

    ``context`` names the failing input, e.g. ``{"id": ["123"]}`` or ``{"index": ["4"]}``.
    """

    status: str | UnsetType | None = UNSET
    category: str | UnsetType | None = UNSET
    message: str | UnsetType | None = UNSET
    id: str | UnsetType | None = UNSET
    sub_category: Any | UnsetType = UNSET
    errors: list[ErrorDetail] | UnsetType | None = UNSET
    context: dict[str, list[str]] | UnsetType | None = UNSET
    links: dict[str, str] | UnsetType | None = UNSET
