"""Collection responses and their cursors."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

from ._base import UNSET, Model, UnsetType

__all__ = ["CollectionResponse", "NextPage", "Paging", "PreviousPage"]

T = TypeVar("T")


class NextPage(Model):
    """``paging.next``: the opaque cursor for the following page."""

    after: str
    link: str | UnsetType | None = UNSET


class PreviousPage(Model):
    """``paging.prev`` (revision lists only)."""

    before: str
    link: str | UnsetType | None = UNSET


class Paging(Model):
    """``paging``: absent on the last page."""

    next: NextPage | UnsetType | None = UNSET
    prev: PreviousPage | UnsetType | None = UNSET


class CollectionResponse(Model, Generic[T]):
    """One page of a list: ``total`` is the whole match count, not the page size."""

    results: list[T] = msgspec.field(default_factory=list)
    total: int | UnsetType | None = UNSET
    paging: Paging | UnsetType | None = UNSET

    @property
    def next_after(self) -> str | None:
        """The cursor for the next page, or None on the last page."""
        paging = self.paging
        if isinstance(paging, Paging) and isinstance(paging.next, NextPage):
            return paging.next.after or None
        return None
