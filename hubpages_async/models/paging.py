"""Collection responses and their cursors."""

from __future__ import annotations

from typing import Generic, TypeVar

from ._base import UNSET, Model, UnsetType

__all__ = ["CollectionResponse", "NextPage", "Paging", "PreviousPage"]

T = TypeVar("T")


class NextPage(Model):
    """``paging.next``: the opaque cursor for the following page."""

    after: str
    link: str | None | UnsetType = UNSET


class PreviousPage(Model):
    """``paging.prev`` (revision lists only)."""

    before: str
    link: str | None | UnsetType = UNSET


class Paging(Model):
    """``paging``: absent on the last page."""

    next: NextPage | None | UnsetType = UNSET
    prev: PreviousPage | None | UnsetType = UNSET


class CollectionResponse(Model, Generic[T]):
    """One page of a list: ``total`` is the whole match count, not the page size."""

    results: list[T] = []
    total: int | None | UnsetType = UNSET
    paging: Paging | None | UnsetType = UNSET

    @property
    def next_after(self) -> str | None:
        """The cursor for the next page, or None on the last page."""
        paging = self.paging
        if isinstance(paging, Paging) and isinstance(paging.next, NextPage):
            return paging.next.after or None
        return None
