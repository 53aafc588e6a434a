"""Crediting created pages to inputs, each page to one input at most.

Every page a create job counts as created, whether a batch answer named it or a lookup
found it, goes through :meth:`Claims.credit`, which checks and records the credit in the
job's journal in one transaction. So two chunks of one job (or a rerun and its first
run) can never both be credited with the same page, and a hostile answer that names
one id twice credits it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from ._identity import is_hubspot_id
from ._map import Item, text_attr
from .journal import Journal

__all__ = ["Claims"]

T = TypeVar("T")
V = TypeVar("V")


class Claims(Generic[T]):
    """The credits of one create job, kept in its journal (a scratch one when the
    caller gave none: then inputs are named by position, which is unique in one run)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def key(self, item: Item[Any]) -> str:
        """The journal key under which ``item``'s credit is recorded."""
        return item.key if self.journal.durable else f"#{item.index}"

    async def credit(self, offers: Sequence[tuple[Item[V], Sequence[T]]]) -> dict[int, T]:
        """Give each input the first of its candidate pages that no input of the job
        holds yet; return ``{input index: page}`` for the inputs credited.

        A candidate without a HubSpot id is never credited: the journal records only ids.
        """
        proposals: list[tuple[str, int, list[str]]] = []
        pages: dict[tuple[int, str], T] = {}
        for item, candidates in offers:
            ids: list[str] = []
            for page in candidates:
                page_id = text_attr(page, "id")
                if page_id is not None and is_hubspot_id(page_id):
                    ids.append(page_id)
                    pages.setdefault((item.index, page_id), page)
            proposals.append((self.key(item), item.index, ids))
        if not pages:
            return {}
        credited = await self.journal.claim(proposals)
        out: dict[int, T] = {}
        for item, _candidates in offers:
            page_id = credited.get(self.key(item))
            if page_id is not None:
                out[item.index] = pages[(item.index, page_id)]
        return out
