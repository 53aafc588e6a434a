"""Stored records (a page with its draft and revisions, a folder) and their id index."""

from __future__ import annotations

import bisect
from typing import Any, Final, Generic, TypeVar

import msgspec

from ..models import ContentFolder, ContentFolderVersion, Page, PageVersion
from .errors import not_found

__all__ = ["JSON_ENCODER", "FolderRecord", "PageRecord", "Records"]

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


class Records(Generic[R]):
    """Records by id, plus the sorted ids of live and of deleted ones."""

    what = "Object"

    def __init__(self) -> None:
        self.records: dict[int, R] = {}
        self.live_ids: list[int] = []
        self.deleted_ids: list[int] = []
        #: bumped on every change: list queries cache sorted answers per version
        self.version = 0
        self.query_cache: dict[Any, tuple[int, list[tuple[list[Any], int]]]] = {}

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
        self.records[rec.id] = rec
        bisect.insort(self.deleted_ids if rec.deleted else self.live_ids, rec.id)

    def _mark_deleted(self, rec: R) -> None:
        self.version += 1
        rec.deleted = True
        i = bisect.bisect_left(self.live_ids, rec.id)
        if i < len(self.live_ids) and self.live_ids[i] == rec.id:
            del self.live_ids[i]
        bisect.insort(self.deleted_ids, rec.id)
