"""Stored records (a page with its draft and revisions, a folder) and their id index."""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, Final, Generic, Protocol, TypeVar

import msgspec

from ..models import ContentFolder, ContentFolderVersion, Page, PageVersion
from .errors import not_found

__all__ = [
    "JSON_ENCODER",
    "FolderRecord",
    "PageRecord",
    "PageSource",
    "RecordMap",
    "RecordSource",
    "Records",
]

#: One encoder for every stored object the emulator sends (encoders are reusable).
JSON_ENCODER: Final = msgspec.json.Encoder()


class PageRecord(msgspec.Struct, kw_only=True):
    """One page: live and draft versions, recorded revisions, hard-deleted flag."""

    id: int
    live: Page
    draft: Page
    revisions: list[PageVersion] = msgspec.field(default_factory=list)
    deleted: bool = False


class FolderRecord(msgspec.Struct, kw_only=True):
    """One landing-page folder and its revisions."""

    id: int
    folder: ContentFolder
    revisions: list[ContentFolderVersion] = msgspec.field(default_factory=list)
    deleted: bool = False


R = TypeVar("R", PageRecord, FolderRecord)
R_co = TypeVar("R_co", PageRecord, FolderRecord, covariant=True)
#: Generated records kept after a build (one request often reads a page twice).
_RECENT: Final = 512
#: Earlier versions kept per object for cursor snapshots (older walks see the oldest kept).
_HISTORY: Final = 32


class RecordSource(Protocol[R_co]):
    """Records generated from their ids (``seeded.py``) for ids in ``range(base, stop)``."""

    @property
    def base(self) -> int:
        """The first id."""
        ...

    @property
    def stop(self) -> int:
        """One past the last id."""
        ...

    def build(self, record_id: int) -> R_co:
        """The generated record."""
        ...


class PageSource(RecordSource[PageRecord], Protocol):
    """Generated pages, which also know their language groups and URLs."""

    def variants_of(self, primary: int) -> tuple[int, ...]:
        """Ids generated as language variants of ``primary``."""
        ...

    def slug_owner(self, key: tuple[str, str, str]) -> int | None:
        """The live generated page (stored since, or not) at this URL key."""
        ...

    def created_ms(self, page_id: int) -> int:
        """A generated page's creation time (epoch ms), which no change alters."""
        ...


class RecordMap(Generic[R]):
    """Stored records by id, falling back to generated ones from a ``RecordSource``.

    ``stored`` holds every record created or changed through the API; an id of the
    source that is not stored is built on demand, the last few kept. Assigning a record
    stores it for good: collections do so on every change, so a stored record always
    wins over the generated one.
    """

    def __init__(self) -> None:
        self.stored: dict[int, R] = {}
        self.source: RecordSource[R] | None = None
        self._recent: OrderedDict[int, R] = OrderedDict()

    def _generated(self, key: int) -> R | None:
        src = self.source
        if src is None or not src.base <= key < src.stop:
            return None
        rec = self._recent.get(key)
        if rec is None:
            rec = self._recent[key] = src.build(key)
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)
        return rec

    def get(self, key: int) -> R | None:
        """The record with that id, stored or generated, else None."""
        rec = self.stored.get(key)
        return rec if rec is not None else self._generated(key)

    def __getitem__(self, key: int) -> R:
        rec = self.get(key)
        if rec is None:
            raise KeyError(key)
        return rec

    def __setitem__(self, key: int, rec: R) -> None:
        self.stored[key] = rec
        self._recent.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self.get(key) is not None

    def _outside(self) -> Iterator[int]:
        src = self.source
        return (i for i in self.stored if src is None or not src.base <= i < src.stop)

    def __len__(self) -> int:
        src = self.source
        if src is None:
            return len(self.stored)
        return (src.stop - src.base) + sum(1 for _ in self._outside())

    def __iter__(self) -> Iterator[int]:
        if self.source is not None:
            yield from range(self.source.base, self.source.stop)
        yield from self._outside()

    def is_stored(self, key: int) -> bool:
        """Whether the record is held (created or changed), not generated."""
        return key in self.stored

    def owns(self, key: int) -> bool:
        """Whether ``key`` is one of the source's (generated) ids."""
        src = self.source
        return src is not None and src.base <= key < src.stop


class Records(Generic[R]):
    """Records by id, plus the sorted ids of live and of deleted ones."""

    what = "Object"

    def __init__(self) -> None:
        self.records: RecordMap[R] = RecordMap()
        self.live_ids: list[int] = []
        self.deleted_ids: list[int] = []
        #: bumped on every change: list queries cache sorted answers per version
        self.version = 0
        self.query_cache: dict[Any, tuple[int, list[tuple[list[Any], int]]]] = {}
        #: id -> [(version, object)]: the object as it was up to that collection version
        self.history: dict[int, list[tuple[int, Any]]] = {}

    def remember(self, object_id: int, before: Any) -> None:
        """Keep the version of an object about to be replaced (cursor snapshots)."""
        kept = self.history.setdefault(object_id, [])
        kept.append((self.version, before))
        if len(kept) > _HISTORY:
            del kept[0]

    def as_of(self, object_id: int, snapshot: int, current: Any) -> Any:
        """The object as it was at collection version ``snapshot``.

        For an object created after the snapshot this is its first version: either
        way it never changes afterwards, which is what keeps a cursor walk in order.
        """
        for version, obj in self.history.get(object_id, ()):
            if version >= snapshot:
                return obj
        return current

    def get(self, object_id: str | int, *, archived: bool = False) -> R:
        """The record with that id (deleted ones only when ``archived``), else 404."""
        try:
            key = int(object_id)
        except (TypeError, ValueError):
            raise not_found(self.what, str(object_id)) from None
        rec = self.records.get(key)
        if rec is None or rec.deleted != archived:
            raise not_found(self.what, str(object_id))
        return rec

    def _add(self, rec: R) -> None:
        self.version += 1
        if self.records.owns(rec.id):
            # A changed generated record: its id is already listed as live.
            self.records[rec.id] = rec
            if rec.deleted:
                i = bisect.bisect_left(self.live_ids, rec.id)
                if i < len(self.live_ids) and self.live_ids[i] == rec.id:
                    del self.live_ids[i]
                bisect.insort(self.deleted_ids, rec.id)
            return
        self.records[rec.id] = rec
        bisect.insort(self.deleted_ids if rec.deleted else self.live_ids, rec.id)

    def _mark_deleted(self, rec: R) -> None:
        self.version += 1
        rec.deleted = True
        i = bisect.bisect_left(self.live_ids, rec.id)
        if i < len(self.live_ids) and self.live_ids[i] == rec.id:
            del self.live_ids[i]
        bisect.insort(self.deleted_ids, rec.id)
