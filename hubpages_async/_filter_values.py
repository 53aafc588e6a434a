"""The one filter validator, used by ``resource.list(...)`` and by ``hubpages --filter``.

Each filter is checked against HubSpot's filter table (name, with a did-you-mean for a
typo, and operator) and its value against what the operator takes, before anything is
sent. A value may be a Python object (``datetime``, a list) or the text a command line
gives (``"2024-05-01"``, ``"en,fr"``); both come out as the same normalised value, so
the library and the CLI accept and refuse exactly the same filters::

    >>> validate_filters({"state": "DRAFT", "language__in": "en,fr"})
    {'state__eq': 'DRAFT', 'language__in': ['en', 'fr']}
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, date, datetime
from enum import Enum

from . import errors
from ._filters import (
    DATE_PROPERTIES,
    LIST_OPERATORS,
    VALUELESS_OPERATORS,
    FilterError,
    parse_filter_key,
)

__all__ = ["validate_filters"]


def validate_filters(
    filters: Mapping[str, object], *, properties: Collection[str] | None = None
) -> dict[str, object]:
    """``{"publish_date__gt": dt, "state": "DRAFT"}`` -> ``{"publishDate__gt": dt,
    "state__eq": "DRAFT"}``: HubSpot's names and canonical operators, normalised values.

    Raises ``errors.ValidationError`` naming the filter as it was written.
    ``properties`` narrows the filterable properties (folders filter on fewer).
    """
    checked: dict[str, object] = {}
    for key, value in filters.items():
        try:
            prop, op = parse_filter_key(key, properties=properties)
        except FilterError as exc:
            raise errors.ValidationError(key, str(exc)) from None
        canonical = f"{prop}__{op}"
        if canonical in checked:
            raise errors.ValidationError(key, f"repeats the filter {canonical} (another spelling)")
        checked[canonical] = _value(key, prop, op, value)
    return checked


def _value(key: str, prop: str, op: str, value: object) -> object:
    if op in VALUELESS_OPERATORS:
        # True from Python, "" or "true" from a command line (``translatedFromId__is_null=``).
        text = value.lower() if isinstance(value, str) else None
        if value is True or value is None or text in ("", "true"):
            return True
        raise errors.ValidationError(key, f"{op} takes no value; pass True")
    if value is None:
        raise errors.ValidationError(key, "needs a value")
    if op in LIST_OPERATORS:
        items = _items(key, value)
        if not items:
            raise errors.ValidationError(key, f"{op} needs at least one value")
        return [_scalar(key, prop, v) for v in items]
    if _is_many(value):
        raise errors.ValidationError(
            key, f"takes one value, got a {type(value).__name__}; use {prop}__in for several"
        )
    return _scalar(key, prop, value)


def _is_many(value: object) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping)


def _items(key: str, value: object) -> list[object]:
    """A list filter's values: a sequence or set, or comma-separated text."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        return list(value)
    raise errors.ValidationError(key, f"needs a list of values, got a {type(value).__name__}")


def _scalar(key: str, prop: str, value: object) -> object:
    if prop in DATE_PROPERTIES:
        return _date(key, value)
    if isinstance(value, Enum):
        return _scalar(key, prop, value.value)
    if isinstance(value, str | int | float):  # bool is an int: sent as true/false
        return value
    raise errors.ValidationError(key, f"cannot send a {type(value).__name__} as a filter value")


def _date(key: str, value: object) -> datetime | int:
    """An aware datetime, epoch milliseconds (an int), or ISO 8601 text (UTC if no offset)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise errors.ValidationError(key, "datetime must be timezone-aware (e.g. tz=UTC)")
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise errors.ValidationError(
                key, f"{value!r} is not an ISO 8601 date (e.g. 2024-05-01T00:00:00Z)"
            ) from None
        # A bare date or time means UTC, as HubSpot stores its dates.
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    raise errors.ValidationError(
        key, f"needs a datetime (or epoch milliseconds), got a {type(value).__name__}"
    )
