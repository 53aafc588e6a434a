"""Landing-page folders (``hs.landing_pages.folders``): their own 12 operations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .. import errors
from ..models import (
    READ_ONLY_FOLDER_FIELDS,
    BatchInput,
    BatchResponse,
    CollectionResponse,
    ContentFolder,
    ContentFolderVersion,
)
from ..pagination import AsyncPager, list_params
from ._base import Resource, archived_param, as_model, id_segment, id_text, strip_fields

__all__ = ["FoldersResource", "check_new_folder"]

_WRITABLE_WITH_ID = READ_ONLY_FOLDER_FIELDS - {"id"}


def check_new_folder(folder: ContentFolder, *, field: str = "folder") -> None:
    """A folder needs a name (it is what the dashboard shows)."""
    if not isinstance(folder.name, str) or not folder.name.strip():
        raise errors.ValidationError(f"{field}.name", "is required to create a folder")


class FoldersResource(Resource):
    """Landing-page folders: list, get, create, update, archive, batch, revisions.

    >>> folder = await hs.landing_pages.folders.create(ContentFolder(name="Campaigns"))
    """

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
        **filters: Any,
    ) -> AsyncPager[ContentFolder]:
        """List folders (``GET /landing-pages/folders``); see ``PagesResource.list``."""
        params = list_params(
            limit=limit,
            sort=sort,
            properties=properties,
            archived=archived,
            dates={
                "created_at": created_at,
                "created_after": created_after,
                "created_before": created_before,
                "updated_at": updated_at,
                "updated_after": updated_after,
                "updated_before": updated_before,
            },
            filters=filters,
        )
        return self._pager(self.path, params, CollectionResponse[ContentFolder], after)

    async def get(
        self,
        folder_id: str,
        *,
        archived: bool | None = None,
        properties: str | Sequence[str] | None = None,
    ) -> ContentFolder:
        """One folder by id."""
        params = list_params(archived=archived, properties=properties)
        result: ContentFolder = await self._core.request(
            "GET",
            self._item(folder_id, field="folder_id"),
            params=params,
            response_type=ContentFolder,
        )
        return result

    async def create(self, folder: ContentFolder) -> ContentFolder:
        """Create a folder (``POST``). Not idempotent: an unknown outcome raises
        ``errors.OutcomeUnknownError`` instead of retrying."""
        model = as_model(folder, ContentFolder, field="folder")
        check_new_folder(model)
        result: ContentFolder = await self._core.request(
            "POST",
            self.path,
            body=strip_fields(model, READ_ONLY_FOLDER_FIELDS),
            response_type=ContentFolder,
            idempotent=False,
        )
        return result

    async def update(
        self, folder_id: str, folder: ContentFolder, *, archived: bool | None = None
    ) -> ContentFolder:
        """Sparse update (``PATCH /{id}``); read-only fields are not sent."""
        body = strip_fields(
            as_model(folder, ContentFolder, field="folder"), READ_ONLY_FOLDER_FIELDS
        )
        result: ContentFolder = await self._core.request(
            "PATCH",
            self._item(folder_id, field="folder_id"),
            params=archived_param(archived),
            body=body,
            response_type=ContentFolder,
        )
        return result

    async def archive(self, folder_id: str) -> None:
        """Delete a folder (``DELETE /{id}``)."""
        await self._core.request("DELETE", self._item(folder_id, field="folder_id"))

    async def batch_create(self, folders: Sequence[ContentFolder]) -> BatchResponse[ContentFolder]:
        """Create several folders in one request (not idempotent)."""
        inputs = []
        for i, folder in enumerate(folders):
            model = as_model(folder, ContentFolder, field=f"folders[{i}]")
            check_new_folder(model, field=f"folders[{i}]")
            inputs.append(strip_fields(model, READ_ONLY_FOLDER_FIELDS))
        result: BatchResponse[ContentFolder] = await self._core.request(
            "POST",
            f"{self.path}/batch/create",
            body=BatchInput(inputs=inputs),
            response_type=BatchResponse[ContentFolder],
            idempotent=False,
        )
        return result

    async def batch_read(
        self, ids: Sequence[str], *, archived: bool | None = None
    ) -> BatchResponse[ContentFolder]:
        """Read several folders in one request."""
        inputs = [id_text(i, field=f"ids[{n}]") for n, i in enumerate(ids)]
        result: BatchResponse[ContentFolder] = await self._core.request(
            "POST",
            f"{self.path}/batch/read",
            params=archived_param(archived),
            body=BatchInput(inputs=inputs),
            response_type=BatchResponse[ContentFolder],
            idempotent=True,
        )
        return result

    async def batch_update(
        self, folders: Sequence[ContentFolder], *, archived: bool | None = None
    ) -> BatchResponse[ContentFolder]:
        """Update several folders (each with ``id`` set) in one request."""
        inputs = []
        for i, folder in enumerate(folders):
            model = as_model(folder, ContentFolder, field=f"folders[{i}]")
            if not isinstance(model.id, str) or not model.id:
                raise errors.ValidationError(f"folders[{i}].id", "is required for a batch update")
            inputs.append(strip_fields(model, _WRITABLE_WITH_ID))
        result: BatchResponse[ContentFolder] = await self._core.request(
            "POST",
            f"{self.path}/batch/update",
            params=archived_param(archived),
            body=BatchInput(inputs=inputs),
            response_type=BatchResponse[ContentFolder],
            idempotent=True,
        )
        return result

    async def batch_archive(self, ids: Sequence[str]) -> None:
        """Delete several folders in one request."""
        inputs = [id_text(i, field=f"ids[{n}]") for n, i in enumerate(ids)]
        await self._core.request(
            "POST", f"{self.path}/batch/archive", body=BatchInput(inputs=inputs), idempotent=True
        )

    def list_revisions(
        self,
        folder_id: str,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> AsyncPager[ContentFolderVersion]:
        """The folder's previous versions, as a pager."""
        params = list_params(limit=limit)
        if before is not None:
            params.append(("before", before))
        path = self._item(folder_id, "revisions", field="folder_id")
        return self._pager(path, params, CollectionResponse[ContentFolderVersion], after)

    async def get_revision(self, folder_id: str, revision_id: str) -> ContentFolderVersion:
        """One previous version of a folder."""
        rev = id_segment(revision_id, field="revision_id")
        path = self._item(folder_id, "revisions", rev, field="folder_id")
        result: ContentFolderVersion = await self._core.request(
            "GET", path, response_type=ContentFolderVersion
        )
        return result

    async def restore_revision(self, folder_id: str, revision_id: str) -> ContentFolder:
        """Restore a previous version of a folder."""
        rev = id_segment(revision_id, field="revision_id")
        path = self._item(folder_id, "revisions", rev, "restore", field="folder_id")
        result: ContentFolder = await self._core.request(
            "POST", path, response_type=ContentFolder, idempotent=True
        )
        return result
