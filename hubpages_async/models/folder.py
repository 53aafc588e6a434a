"""``ContentFolder``: a landing-page folder."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ._base import UNSET, Model, UnsetType

__all__ = ["READ_ONLY_FOLDER_FIELDS", "ContentFolder", "SavedContentFolder"]


class ContentFolder(Model):
    """A landing-page folder. ``parent_folder_id`` is an integer on the wire, ``id`` a string."""

    id: str | UnsetType | None = UNSET
    name: str | UnsetType | None = UNSET
    parent_folder_id: int | UnsetType | None = UNSET
    category: int | UnsetType | None = UNSET
    created: datetime | UnsetType | None = UNSET
    updated: datetime | UnsetType | None = UNSET
    deleted_at: datetime | UnsetType | None = UNSET


class SavedContentFolder(ContentFolder, kw_only=True):
    """A folder as HubSpot returned it: ``id``, ``created`` and ``updated`` are always set
    (what the folder methods return; see :class:`~hubpages_async.models.SavedPage`)."""

    id: str
    created: datetime
    updated: datetime


READ_ONLY_FOLDER_FIELDS: Final[frozenset[str]] = frozenset(
    {"id", "created", "updated", "deleted_at"}
)
