"""What page and folder resources share: paths, input checks, the shared operations."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, cast

import msgspec

from .. import errors
from ..models import UNSET, BatchInput, BatchResponse, CollectionResponse
from ..pagination import AsyncPager, list_params
from ._bulk import BulkMethods

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
S = TypeVar("S", bound=msgspec.Struct)
V = TypeVar("V", bound=msgspec.Struct)

#: Wire names of the fields a returned object always carries (``SavedPage``...): added to
#: any ``properties`` selection, so a selection still decodes into the saved model.
ALWAYS_RETURNED: Final = ("id", "created", "updated")


#: What an id may look like: HubSpot's are numeric strings; letters, ``_``, ``-`` and
#: inner dots are allowed too (other systems' ids, test fixtures). Nothing that a URL
#: gives a meaning to: no ``/ ? # %``, no whitespace, and never ``.`` or ``..``, which
#: URL normalisation resolves (``update("..")`` would PATCH the API root).
_ID: Final = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")


def id_segment(value: str | int, *, field: str) -> str:
    """An id as one URL path segment; anything that could change the path is refused.

    >>> id_segment("123", field="page_id")
    '123'
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise errors.ValidationError(field, f"must be a string id, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise errors.ValidationError(field, "is empty")
    if not _ID.fullmatch(text):
        raise errors.ValidationError(
            field,
            f"{text!r} is not an id (HubSpot ids are numbers; letters, digits, '_', '-' "
            "and inner '.' are accepted, nothing that would change the URL path)",
        )
    return text


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
    """Accept the model itself or a mapping in HubSpot's camelCase wire names.

    An object the server returned (``SavedPage``, a subclass) becomes a plain ``model``,
    so what is sent is an input model, whose fields may all be unset.
    """
    if isinstance(obj, model):
        if type(obj) is model:
            return obj
        return model(**msgspec.structs.asdict(obj))
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


def with_returned(properties: str | Sequence[str] | None) -> list[str] | None:
    """A ``properties`` selection plus the fields a returned object always carries."""
    if properties is None:
        return None
    names = [properties] if isinstance(properties, str) else list(properties)
    return names + [f for f in ALWAYS_RETURNED if f not in names]


def archived_param(value: bool | None) -> list[tuple[str, str]]:
    """The ``archived`` query parameter, when given."""
    return [] if value is None else [("archived", "true" if value else "false")]


class Resource(BulkMethods[M, S], Generic[M, S, V]):
    """One collection of the API (``site-pages``, ``landing-pages``, folders).

    The operations pages and folders share are written once here, as private
    helpers; the public methods in ``pages.py``/``folders.py`` keep HubSpot's names
    for their arguments (``page_id``, ``folder_id``) and their own docstrings.
    """

    #: What callers send (``Page``: every field optional, only set fields are sent),
    #: what HubSpot returns (``SavedPage``: ``id``/``created``/``updated`` always set),
    #: the revision model and the fields create/update never send.
    input_model: type[M]
    model: type[S]
    version_model: type[V]
    read_only: frozenset[str]
    id_field: str = "object_id"

    def __init__(self, core: Core, path: str) -> None:
        self._core = core
        #: The collection's path below the API prefix, e.g. ``"site-pages"``.
        self.path = path
        self._batch_type: Any = cast(Any, BatchResponse)[self.model]
        self._list_type: Any = cast(Any, CollectionResponse)[self.model]
        self._versions_type: Any = cast(Any, CollectionResponse)[self.version_model]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"

    def check_new(self, obj: M, *, field: str) -> None:
        """Refuse an object HubSpot would refuse to create (before sending)."""

    def _item(self, object_id: str | int, *rest: str) -> str:
        return "/".join((self.path, id_segment(object_id, field=self.id_field), *rest))

    def _writable(self, obj: object, *, field: str, keep_id: bool = False) -> M:
        model = as_model(obj, self.input_model, field=field)
        if keep_id:
            object_id = getattr(model, "id", None)
            if not isinstance(object_id, str) or not object_id:
                raise errors.ValidationError(f"{field}.id", "is required for a batch update")
            return strip_fields(model, self.read_only - {"id"})
        return strip_fields(model, self.read_only)

    def _pager(
        self, path: str, params: list[tuple[str, str]], rtype: Any, after: str | None
    ) -> AsyncPager[Any]:
        async def fetch(cursor: str | None) -> Any:
            query = [*params, ("after", cursor)] if cursor else params
            return await self._core.request("GET", path, params=query, response_type=rtype)

        return AsyncPager(fetch, after=after)

    def _list(
        self,
        *,
        limit: int | None,
        after: str | None,
        sort: str | Sequence[str] | None,
        properties: str | Sequence[str] | None,
        archived: bool | None,
        dates: Mapping[str, datetime | None],
        filters: Mapping[str, object],
        filterable: Collection[str] | None = None,
    ) -> AsyncPager[S]:
        params = list_params(
            limit=limit,
            sort=sort,
            properties=with_returned(properties),
            archived=archived,
            dates=dates,
            filters=filters,
            filterable=filterable,
        )
        return self._pager(self.path, params, self._list_type, after)

    async def _get(
        self, object_id: str, archived: bool | None, properties: str | Sequence[str] | None
    ) -> S:
        params = list_params(archived=archived, properties=with_returned(properties))
        result: S = await self._core.request(
            "GET", self._item(object_id), params=params, response_type=self.model
        )
        return result

    async def _create(self, obj: object, *, field: str) -> S:
        model = as_model(obj, self.input_model, field=field)
        self.check_new(model, field=field)
        result: S = await self._core.request(
            "POST",
            self.path,
            body=strip_fields(model, self.read_only),
            response_type=self.model,
            idempotent=False,
        )
        return result

    async def _update(
        self, object_id: str, obj: object, archived: bool | None, *, field: str, draft: bool = False
    ) -> S:
        path = self._item(object_id, "draft") if draft else self._item(object_id)
        result: S = await self._core.request(
            "PATCH",
            path,
            params=archived_param(archived),
            body=self._writable(obj, field=field),
            response_type=self.model,
        )
        return result

    async def _archive(self, object_id: str) -> None:
        await self._core.request("DELETE", self._item(object_id))

    async def _batch_create(self, objs: Sequence[object], *, field: str) -> BatchResponse[S]:
        inputs = []
        for i, obj in enumerate(objs):
            model = as_model(obj, self.input_model, field=f"{field}[{i}]")
            self.check_new(model, field=f"{field}[{i}]")
            inputs.append(strip_fields(model, self.read_only))
        return await self._batch("create", inputs, None, idempotent=False)

    async def _batch_update(
        self, objs: Sequence[object], archived: bool | None, *, field: str
    ) -> BatchResponse[S]:
        inputs = [
            self._writable(obj, field=f"{field}[{i}]", keep_id=True) for i, obj in enumerate(objs)
        ]
        return await self._batch("update", inputs, archived)

    async def _batch_read(self, ids: Sequence[str], archived: bool | None) -> BatchResponse[S]:
        inputs = [id_text(i, field=f"ids[{n}]") for n, i in enumerate(ids)]
        return await self._batch("read", inputs, archived)

    async def _batch_archive(self, ids: Sequence[str]) -> None:
        inputs = [id_text(i, field=f"ids[{n}]") for n, i in enumerate(ids)]
        await self._core.request(
            "POST", f"{self.path}/batch/archive", body=BatchInput(inputs=inputs), idempotent=True
        )

    async def _batch(
        self, action: str, inputs: list[Any], archived: bool | None, *, idempotent: bool = True
    ) -> BatchResponse[S]:
        result: BatchResponse[S] = await self._core.request(
            "POST",
            f"{self.path}/batch/{action}",
            params=archived_param(archived),
            body=BatchInput(inputs=inputs),
            response_type=self._batch_type,
            idempotent=idempotent,
        )
        return result

    def _list_revisions(
        self, object_id: str, limit: int | None, after: str | None, before: str | None
    ) -> AsyncPager[V]:
        params = list_params(limit=limit)
        if before is not None:
            params.append(("before", before))
        return self._pager(self._item(object_id, "revisions"), params, self._versions_type, after)

    def _revision(self, object_id: str, revision_id: str | int, *rest: str) -> str:
        # HubSpot's quirk: revisionId is a string in most paths and an int64 in
        # restore-to-draft; it is an opaque numeric string either way.
        rev = id_segment(revision_id, field="revision_id")
        return self._item(object_id, "revisions", rev, *rest)

    async def _get_revision(self, object_id: str, revision_id: str) -> V:
        path = self._revision(object_id, revision_id)
        result: V = await self._core.request("GET", path, response_type=self.version_model)
        return result

    async def _restore_revision(self, object_id: str, revision_id: str, action: str) -> S:
        path = self._revision(object_id, revision_id, action)
        result: S = await self._core.request(
            "POST", path, response_type=self.model, idempotent=True
        )
        return result
