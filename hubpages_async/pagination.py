"""Lazy pagination over HubSpot's ``after`` cursors, and list-filter encoding.

``resource.list(...)`` returns an :class:`AsyncPager` at once (no ``await``)::

    first = await hs.site_pages.list(limit=10)          # one CollectionResponse
    async for page in hs.site_pages.list(name__icontains="pricing"):
        ...                                               # every matching page, lazily
    async for chunk in hs.site_pages.list().pages():     # page by page
        print(chunk.total, len(chunk.results))

Filters use HubSpot's ``property__operator`` syntax, typed in the library's snake_case
(:class:`hubpages_async.params.PageFilters`; HubSpot's camelCase is accepted at run
time too); they are checked against the guide's filter table, with their values,
before anything is sent (:mod:`hubpages_async._filter_values`, which the CLI uses too).
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Generator,
    Iterable,
    Mapping,
)
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from . import errors
from ._filter_values import validate_filters
from ._filters import VALUELESS_OPERATORS, camel
from .models import CollectionResponse

__all__ = ["AsyncPager", "camel", "encode_filters", "encode_value", "list_params"]

T = TypeVar("T")

Fetch = Callable[[str | None], Awaitable[CollectionResponse[T]]]


def encode_value(value: object, *, field: str) -> str:
    """One query value: datetimes as ISO 8601 UTC, booleans lower-case, lists joined
    with commas. ``field`` names the parameter in the error for a bad value.

    >>> encode_value(datetime(2024, 5, 1, 12, tzinfo=UTC), field="publish_date__gt")
    '2024-05-01T12:00:00.000Z'
    >>> encode_value(["a", "b"], field="slug__in")
    'a,b'
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise errors.ValidationError(field, "datetime must be timezone-aware (e.g. tz=UTC)")
        text = value.astimezone(UTC).isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return encode_value(value.value, field=field)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, set | frozenset):
        return ",".join(sorted(encode_value(v, field=field) for v in value))
    if isinstance(value, Iterable):
        return ",".join(encode_value(v, field=field) for v in value)
    raise errors.ValidationError(field, f"cannot send a {type(value).__name__} as a filter value")


def encode_filters(
    filters: Mapping[str, object], *, properties: Collection[str] | None = None
) -> list[tuple[str, str]]:
    """``{"name__icontains": "x"}`` -> ``[("name__icontains", "x")]``, validated.

    Property names may be snake_case or camelCase, a bare name means equality, and
    operator synonyms (``ilike``...) are sent as HubSpot's canonical operator; see
    :func:`hubpages_async._filter_values.validate_filters` (the CLI's ``--filter`` uses
    the same check). Raises ``errors.ValidationError`` naming the keyword argument.
    """
    encoded: list[tuple[str, str]] = []
    for key, value in validate_filters(filters, properties=properties).items():
        valueless = key.rpartition("__")[2] in VALUELESS_OPERATORS
        encoded.append((key, "" if valueless else encode_value(value, field=key)))
    return encoded


def list_params(
    *,
    limit: int | None = None,
    sort: str | Iterable[str] | None = None,
    properties: str | Iterable[str] | None = None,
    archived: bool | None = None,
    dates: Mapping[str, datetime | str | None] | None = None,
    filters: Mapping[str, object] | None = None,
    filterable: Collection[str] | None = None,
) -> list[tuple[str, str]]:
    """Query parameters of a list call (everything but the cursor), validated;
    ``filterable`` narrows the properties ``filters`` may name (folders)."""
    params: list[tuple[str, str]] = []
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise errors.ValidationError("limit", "must be a positive integer")
        params.append(("limit", str(limit)))
    if archived is not None:
        params.append(("archived", encode_value(bool(archived), field="archived")))
    if sort is not None:
        for item in [sort] if isinstance(sort, str) else sort:
            desc = item.startswith("-")
            params.append(("sort", ("-" if desc else "") + camel(item.lstrip("-"))))
    if properties is not None:
        names = [properties] if isinstance(properties, str) else list(properties)
        params.append(("property", ",".join(camel(n) for n in names)))
    for name, value in (dates or {}).items():
        if value is not None:
            params.append((camel(name), encode_value(value, field=name)))
    params.extend(encode_filters(filters or {}, properties=filterable))
    return params


class AsyncPager(Generic[T]):
    """A list call: awaitable for its first page, async-iterable for every item.

    Lazy: nothing is fetched until awaited or iterated, and only one page is held in
    memory at a time. Iterating again starts again from the first page.
    """

    def __init__(self, fetch: Fetch[T], *, after: str | None = None) -> None:
        self._fetch = fetch
        self._after = after

    def __repr__(self) -> str:
        return f"AsyncPager(after={self._after!r})"

    async def first(self) -> CollectionResponse[T]:
        """The first page (what ``await pager`` returns)."""
        return await self._fetch(self._after)

    def __await__(self) -> Generator[Any, None, CollectionResponse[T]]:
        return self.first().__await__()

    async def pages(self) -> AsyncIterator[CollectionResponse[T]]:
        """Every page in order, following ``paging.next.after`` until it is absent."""
        after = self._after
        while True:
            page = await self._fetch(after)
            yield page
            cursor = page.next_after
            if cursor is None:
                return
            if cursor == after:
                raise errors.ResponseValidationError(
                    f"the server returned the same paging cursor {cursor!r} twice"
                )
            after = cursor

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.results:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()
