"""What page and folder resources share: paths, input checks and bulk delegations."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import msgspec

from .. import errors
from ..models import UNSET
from ..pagination import AsyncPager

if TYPE_CHECKING:
    from .._core import Core

__all__ = [
    "Resource",
    "archived_param",
    "as_model",
    "aware",
    "id_segment",
    "id_text",
    "strip_fields",
]

M = TypeVar("M", bound=msgspec.Struct)


def id_segment(value: str | int, *, field: str) -> str:
    """An id as one URL path segment (quoted, so an id can never change the path)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise errors.ValidationError(field, f"must be a string id, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise errors.ValidationError(field, "is empty")
    return quote(text, safe="")


def id_text(value: str | int, *, field: str) -> str:
    """An id for a request body (HubSpot ids are numeric strings)."""
    id_segment(value, field=field)
    return str(value).strip()


def aware(value: datetime, *, field: str) -> datetime:
    """Refuse naive datetimes: HubSpot needs an instant, not a wall-clock time."""
    if not isinstance(value, datetime):
        raise errors.ValidationError(field, "must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise errors.ValidationError(field, "datetime must be timezone-aware (e.g. tz=UTC)")
    return value


def as_model(obj: object, model: type[M], *, field: str) -> M:
    """Accept the model itself or a mapping in HubSpot's camelCase wire names."""
    if isinstance(obj, model):
        return obj
    if isinstance(obj, Mapping):
        try:
            return msgspec.convert(obj, model)
        except msgspec.ValidationError as exc:
            raise errors.ValidationError(field, str(exc)) from None
    raise errors.ValidationError(field, f"expected a {model.__name__}, got {type(obj).__name__}")


def strip_fields(obj: M, fields: Iterable[str]) -> M:
    """A copy of ``obj`` with the given (read-only) fields unset, so they are not sent."""
    changes = {f: UNSET for f in fields if getattr(obj, f, UNSET) is not UNSET}
    return msgspec.structs.replace(obj, **changes) if changes else obj


def archived_param(value: bool | None) -> list[tuple[str, str]]:
    """The ``archived`` query parameter, when given."""
    return [] if value is None else [("archived", "true" if value else "false")]


def _bulk(module: str) -> Any:
    # Imported on first use: the bulk modules import the resources (avoid a cycle).
    return importlib.import_module(f"hubpages_async.{module}")


class Resource:
    """One collection of the API (``site-pages``, ``landing-pages``, folders)."""

    def __init__(self, core: Core, path: str) -> None:
        self._core = core
        #: The collection's path below the API prefix, e.g. ``"site-pages"``.
        self.path = path

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"

    def _pager(
        self, path: str, params: list[tuple[str, str]], rtype: Any, after: str | None
    ) -> AsyncPager[Any]:
        async def fetch(cursor: str | None) -> Any:
            query = [*params, ("after", cursor)] if cursor else params
            return await self._core.request("GET", path, params=query, response_type=rtype)

        return AsyncPager(fetch, after=after)

    def _item(self, object_id: str | int, *rest: str, field: str = "page_id") -> str:
        return "/".join((self.path, id_segment(object_id, field=field), *rest))

    # -- bulk layer (hubpages_async.batch / hubpages_async.export) ----------------------

    async def create_many(self, inputs: Iterable[Any] | AsyncIterable[Any], **kwargs: Any) -> Any:
        """Create any number of objects in chunked batch requests; see ``batch.create_many``."""
        return await _bulk("batch").create_many(self, inputs, **kwargs)

    async def read_many(self, ids: Iterable[Any] | AsyncIterable[Any], **kwargs: Any) -> Any:
        """Read any number of objects by id; see ``batch.read_many``."""
        return await _bulk("batch").read_many(self, ids, **kwargs)

    async def update_many(self, inputs: Iterable[Any] | AsyncIterable[Any], **kwargs: Any) -> Any:
        """Update any number of objects (each with ``id`` set); see ``batch.update_many``."""
        return await _bulk("batch").update_many(self, inputs, **kwargs)

    async def archive_many(self, ids: Iterable[Any] | AsyncIterable[Any], **kwargs: Any) -> Any:
        """Delete any number of objects by id; see ``batch.archive_many``."""
        return await _bulk("batch").archive_many(self, ids, **kwargs)

    def export(self, *, shards: int = 1, **list_kwargs: Any) -> AsyncIterator[Any]:
        """Every object matching the list filters, fetched over ``shards`` parallel
        cursors; see ``export.export``::

            async for page in hs.site_pages.export(shards=4, state__eq="DRAFT"):
                ...
        """
        result: AsyncIterator[Any] = _bulk("export").export(self, shards=shards, **list_kwargs)
        return result
