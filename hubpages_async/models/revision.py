"""Revision history: ``PageVersion`` and ``ContentFolderVersion``."""

from __future__ import annotations

from datetime import datetime

from ._base import UNSET, Model, UnsetType
from .folder import ContentFolder
from .page import Page

__all__ = ["ContentFolderVersion", "PageVersion", "VersionUser"]


class VersionUser(Model):
    """The user who made a revision."""

    id: str | None | UnsetType = UNSET
    email: str | None | UnsetType = UNSET
    full_name: str | None | UnsetType = UNSET


class PageVersion(Model):
    """One recorded revision of a page: its full state at ``updated_at``."""

    id: str | None | UnsetType = UNSET
    object: Page | None | UnsetType = UNSET
    updated_at: datetime | None | UnsetType = UNSET
    user: VersionUser | None | UnsetType = UNSET


class ContentFolderVersion(Model):
    """One recorded revision of a landing-page folder."""

    id: str | None | UnsetType = UNSET
    object: ContentFolder | None | UnsetType = UNSET
    updated_at: datetime | None | UnsetType = UNSET
    user: VersionUser | None | UnsetType = UNSET
