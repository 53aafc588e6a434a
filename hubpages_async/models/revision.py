"""Revision history: ``PageVersion`` and ``ContentFolderVersion``."""

from __future__ import annotations

from datetime import datetime

from ._base import UNSET, Model, UnsetType
from .folder import ContentFolder
from .page import Page

__all__ = ["ContentFolderVersion", "PageVersion", "VersionUser"]


class VersionUser(Model):
    """The user who made a revision."""

    id: str | UnsetType | None = UNSET
    email: str | UnsetType | None = UNSET
    full_name: str | UnsetType | None = UNSET


class PageVersion(Model):
    """One recorded revision of a page: its full state at ``updated_at``."""

    id: str | UnsetType | None = UNSET
    object: Page | UnsetType | None = UNSET
    updated_at: datetime | UnsetType | None = UNSET
    user: VersionUser | UnsetType | None = UNSET


class ContentFolderVersion(Model):
    """One recorded revision of a landing-page folder."""

    id: str | UnsetType | None = UNSET
    object: ContentFolder | UnsetType | None = UNSET
    updated_at: datetime | UnsetType | None = UNSET
    user: VersionUser | UnsetType | None = UNSET
