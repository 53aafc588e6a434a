"""Landing-page folders (``hs.landing_pages.folders``): their own 12 operations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Unpack

from .. import errors
from .._filters import FOLDER_FILTERABLE
from ..models import (
    READ_ONLY_FOLDER_FIELDS,
    BatchResponse,
    ContentFolder,
    ContentFolderVersion,
    SavedContentFolder,
)
from ..pagination import AsyncPager
from ..params import FolderFilters, FolderListOptions
from ._base import Resource

__all__ = ["FoldersResource"]


class FoldersResource(Resource[ContentFolder, SavedContentFolder, ContentFolderVersion]):
    """Landing-page folders: list, get, create, update, archive, batch, revisions::

    folder = await hs.landing_pages.folders.create(ContentFolder(name="Campaigns"))
    """

    input_model = ContentFolder
    model = SavedContentFolder
    version_model = ContentFolderVersion
    read_only = READ_ONLY_FOLDER_FIELDS
    id_field = "folder_id"

    def check_new(self, obj: ContentFolder, *, field: str) -> None:
        """A folder needs a name (it is what the dashboard shows)."""
        if not isinstance(obj.name, str) or not obj.name.strip():
            raise errors.ValidationError(f"{field}.name", "is required to create a folder")

    def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        sort: str | Sequence[str] | None = None,
        properties: str | Sequence[str] | None = None,
        archived: bool | None = None,
        created_at: datetime | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        updated_at: datetime | None = None,
        updated_after: datetime | None = None,
        updated_before: datetime | None = None,
        **filters: Unpack[FolderFilters],
    ) -> AsyncPager[SavedContentFolder]:
        """List folders (``GET /landing-pages/folders``); see ``PagesResource.list``.
        Folders filter on ``id``, ``name`` and their dates
        (:class:`~hubpages_async.params.FolderFilters`)."""
        dates = {
            "created_at": created_at,
            "created_after": created_after,
            "created_before": created_before,
            "updated_at": updated_at,
            "updated_after": updated_after,
            "updated_before": updated_before,
        }
        return self._list(
            limit=limit,
            after=after,
            sort=sort,
            properties=properties,
            archived=archived,
            dates=dates,
            filters=filters,
            filterable=FOLDER_FILTERABLE,
        )

    def export(
        self, *, shards: int = 1, **options: Unpack[FolderListOptions]
    ) -> AsyncIterator[SavedContentFolder]:
        """Every folder ``list(**options)`` matches (see ``PagesResource.export``)."""
        from .. import export

        return export.export(self, shards=shards, **options)

    async def get(
        self,
        folder_id: str,
        *,
        archived: bool | None = None,
        properties: str | Sequence[str] | None = None,
    ) -> SavedContentFolder:
        """One folder by id (``GET /{id}``)."""
        return await self._get(folder_id, archived, properties)

    async def create(self, folder: ContentFolder) -> SavedContentFolder:
        """Create a folder (``POST``). Not idempotent: an unknown outcome raises
        ``errors.OutcomeUnknownError`` instead of retrying."""
        return await self._create(folder, field="folder")

    async def update(
        self, folder_id: str, folder: ContentFolder, *, archived: bool | None = None
    ) -> SavedContentFolder:
        """Sparse update (``PATCH /{id}``); read-only fields are not sent."""
        return await self._update(folder_id, folder, archived, field="folder")

    async def archive(self, folder_id: str) -> None:
        """Delete a folder (``DELETE /{id}``)."""
        await self._archive(folder_id)

    async def batch_create(
        self, folders: Sequence[ContentFolder]
    ) -> BatchResponse[SavedContentFolder]:
        """Create several folders in one request (not idempotent)."""
        return await self._batch_create(folders, field="folders")

    async def batch_read(
        self, ids: Sequence[str], *, archived: bool | None = None
    ) -> BatchResponse[SavedContentFolder]:
        """Read several folders in one request."""
        return await self._batch_read(ids, archived)

    async def batch_update(
        self, folders: Sequence[ContentFolder], *, archived: bool | None = None
    ) -> BatchResponse[SavedContentFolder]:
        """Update several folders (each with ``id`` set) in one request."""
        return await self._batch_update(folders, archived, field="folders")

    async def batch_archive(self, ids: Sequence[str]) -> None:
        """Delete several folders in one request."""
        await self._batch_archive(ids)

    def list_revisions(
        self,
        folder_id: str,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> AsyncPager[ContentFolderVersion]:
        """The folder's previous versions (``GET /{id}/revisions``), as a pager."""
        return self._list_revisions(folder_id, limit, after, before)

    async def get_revision(self, folder_id: str, revision_id: str) -> ContentFolderVersion:
        """One previous version of a folder."""
        return await self._get_revision(folder_id, revision_id)

    async def restore_revision(self, folder_id: str, revision_id: str) -> SavedContentFolder:
        """Restore a previous version of a folder (``POST .../restore``)."""
        return await self._restore_revision(folder_id, revision_id, "restore")
