"""Benchmark inputs: fully populated pages, made cheaply and identically for every contender.

Building a realistic page costs far more than sending it, so the harness builds a small
pool once (outside the timed region), converts it into each contender's own input type,
and then stamps a unique slug and name on a shallow copy for every input. The timed
region therefore measures the client, not the page generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import msgspec

from hubpages_async.emulator.seed import realistic_page
from hubpages_async.models import CollectionResponse, NextPage, Page, Paging

__all__ = [
    "POOL_SIZE",
    "canned_list_body",
    "page_pool",
    "realistic_page",
    "snake_fields",
    "stamped",
]

T = TypeVar("T")

#: Distinct page bodies cycled through; enough that no encoder cache sees one page twice in a row.
POOL_SIZE = 200
_SEED = 20261123


def page_pool(size: int = POOL_SIZE) -> list[Page]:
    """``size`` fully populated input pages (deterministic)."""
    rng = random.Random(_SEED)
    return [realistic_page(i, rng) for i in range(size)]


def stamped(
    pool: list[T], count: int, stamp: Callable[[T, int, str, str], T], *, tag: str = "b"
) -> Iterator[T]:
    """Yield ``count`` inputs lazily: pool entry ``i % len(pool)`` with a unique slug and name.

    Slugs must be unique per domain (the emulator answers 409 otherwise), so every input
    gets ``bench-{tag}-{i}``; ``stamp`` makes the contender-specific shallow copy.
    """
    size = len(pool)
    for i in range(count):
        yield stamp(pool[i % size], i, f"bench-{tag}-{i}", f"Bench page {tag} {i}")


def snake_fields(page: Page) -> dict[str, Any]:
    """The page's set fields under their Python (snake_case) names, values as-is."""
    return {
        name: value
        for name in page.__struct_fields__
        if (value := getattr(page, name)) is not msgspec.UNSET
    }


def _as_response(page: Page, i: int) -> Page:
    # Server-set fields, so the canned body looks like a real list page from HubSpot.
    when = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=i)
    return msgspec.structs.replace(
        page,
        id=str(100_000_000_000 + i),
        url=f"https://www.example.com/bench/page-{i}",
        created=when,
        updated=when,
        archived_at=datetime(1970, 1, 1, tzinfo=UTC),
        current_state="PUBLISHED",
        currently_published=True,
        created_by_id="1",
        updated_by_id="1",
        page_redirected=False,
        translations={},
    )


def canned_list_body(count: int = 100) -> bytes:
    """A ``GET /site-pages`` response body holding ``count`` fully populated pages."""
    pages = [_as_response(p, i) for i, p in enumerate(page_pool(count))]
    body = CollectionResponse[Page](
        results=pages,
        total=20_000,
        paging=Paging(next=NextPage(after=str(count), link=f"?after={count}")),
    )
    return msgspec.json.encode(body)
