"""The landing-page folders of one portal."""

from __future__ import annotations

from typing import Any, Final

import msgspec

from ..models import UNSET, ContentFolder, ContentFolderVersion
from .errors import bad_request
from .page_rules import EMULATOR_USER, EPOCH
from .portal_context import PortalContext
from .records import JSON_ENCODER, FolderRecord, Records

__all__ = ["FolderCollection"]

FOLDER_SERVER_FIELDS: Final = frozenset({"id", "created", "updated", "deleted_at", "category"})


class FolderCollection(Records[FolderRecord]):
    """The landing-page folders of one portal."""

    what = "Folder"

    kind = "landing-pages/folders"

    def __init__(self, portal: PortalContext) -> None:
        self.portal = portal
        self.store = portal.store
        super().__init__()
        self._cache: dict[int, bytes] = {}

    def item(self, object_id: int) -> ContentFolder:
        """The stored folder of a record (for filtering and sorting)."""
        return self.records[object_id].folder

    def encoded(self, rec: FolderRecord) -> bytes:
        """The folder's JSON (cached)."""
        data = self._cache.get(rec.id)
        if data is None:
            data = self._cache[rec.id] = JSON_ENCODER.encode(rec.folder)
        return data

    def _record(self, rec: FolderRecord) -> None:
        self.version += 1
        rec.revisions.append(
            ContentFolderVersion(
                id=self.store.next_revision_id(),
                object=msgspec.structs.replace(rec.folder),
                updated_at=self.store.now(),
                user=EMULATOR_USER,
            )
        )
        self._cache.pop(rec.id, None)
        self.store.changed(self.portal.id, self.kind, rec)

    def create(self, body: ContentFolder, *, where: str = "") -> FolderRecord:
        """Create a folder; ``name`` is required."""
        if not isinstance(body.name, str) or not body.name.strip():
            raise bad_request(
                f"{where}name is required to create a folder", field="name", code="REQUIRED"
            )
        now = self.store.now()
        folder_id = self.store.next_id()
        folder = ContentFolder(
            id=str(folder_id),
            name=body.name,
            parent_folder_id=body.parent_folder_id if isinstance(body.parent_folder_id, int) else 0,
            category=1,  # the spec: "Should always be LANDING_PAGE"
            created=now,
            updated=now,
            deleted_at=EPOCH,
        )
        rec = FolderRecord(id=folder_id, folder=folder)
        self.records[folder_id] = rec
        self.live_ids.append(folder_id)
        self._record(rec)
        return rec

    def update(self, rec: FolderRecord, patch: ContentFolder, *, where: str = "") -> None:
        """Sparse update of name / parentFolderId."""
        changes: dict[str, Any] = {}
        for name in ContentFolder.__struct_fields__:
            value = getattr(patch, name)
            if name in FOLDER_SERVER_FIELDS or value is UNSET:
                continue
            if name == "name" and (value is None or not str(value).strip()):
                raise bad_request(f"{where}name cannot be empty", field="name")
            changes[name] = 0 if (name == "parent_folder_id" and value is None) else value
        changes["updated"] = self.store.now()
        self.remember(rec.id, rec.folder)
        rec.folder = msgspec.structs.replace(rec.folder, **changes)
        self._record(rec)

    def restore(self, rec: FolderRecord, version: ContentFolderVersion) -> None:
        """Restore a folder revision (identity and dates kept)."""
        old = version.object
        assert isinstance(old, ContentFolder)
        self.remember(rec.id, rec.folder)
        rec.folder = msgspec.structs.replace(
            rec.folder,
            name=old.name,
            parent_folder_id=old.parent_folder_id,
            updated=self.store.now(),
        )
        self._record(rec)

    def delete(self, rec: FolderRecord) -> None:
        """Hard delete, listed afterwards with archived=true."""
        self._mark_deleted(rec)
        self.remember(rec.id, rec.folder)
        rec.folder = msgspec.structs.replace(rec.folder, deleted_at=self.store.now())
        self._cache.pop(rec.id, None)
        self.store.changed(self.portal.id, self.kind, rec)

    def load(self, rec: FolderRecord) -> None:
        """Insert a record read from a state file."""
        self._add(rec)
