"""``ContentFolder``: a landing-page folder."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ._base import UNSET, Model, UnsetType

__all__ = ["READ_ONLY_FOLDER_FIELDS", "ContentFolder"]


class ContentFolder(Model):
    """A landing-page folder. ``parent_folder_id`` is an integer on the wire, ``id`` a string."""

    id: str | None | UnsetType = UNSET
    name: str | None | UnsetType = UNSET
    parent_folder_id: int | None | UnsetType = UNSET
    category: int | None | UnsetType = UNSET
    created: datetime | None | UnsetType = UNSET
    updated: datetime | None | UnsetType = UNSET
    deleted_at: datetime | None | UnsetType = UNSET


READ_ONLY_FOLDER_FIELDS: Final[frozenset[str]] = frozenset(
    {"id", "created", "updated", "deleted_at"}
)
