"""hubpages_async, used the way its README shows: ``create_many`` and ``export``.

In scenarios without a rate limit the client is given a limit far above anything the
machine can reach, so its limiter still runs (and costs what it costs) but never waits.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import msgspec

from hubpages_async import HubPages
from hubpages_async._sansio import decipher
from hubpages_async._throttle import RateLimit
from hubpages_async.models import CollectionResponse, Page

from .._inputs import stamped
from ._base import TOKEN, Job, Outcome, item_bound

__all__ = ["Hubpages"]

_LIST_TYPE: Any = CollectionResponse[Page]
#: "No limit" for the client: a million requests a second is out of reach here.
_UNLIMITED = RateLimit(requests=1_000_000, per_seconds=1.0)


def _stamp(page: Page, i: int, slug: str, name: str) -> Page:
    return msgspec.structs.replace(page, slug=slug, name=name)


def _rate(job: Job) -> RateLimit:
    if job.rate_limit is None:
        return _UNLIMITED
    rate = RateLimit.parse(job.rate_limit)
    if job.headroom is not None:
        rate = dataclasses.replace(rate, headroom=job.headroom)
    if job.margin is not None:
        rate = dataclasses.replace(rate, margin=job.margin)
    return rate


def _client(job: Job) -> HubPages:
    return HubPages(
        TOKEN,
        base_url=job.base_url,
        rate_limit=_rate(job),
        max_concurrency=max(job.concurrency, job.shards),
    )


class Hubpages:
    """hubpages_async's ``HubPages`` pointed at the emulator."""

    name = "hubpages_async"

    def __init__(self) -> None:
        self._pool: list[Page] = []

    def prepare_create(self, pool: list[Page]) -> None:
        """Our own models are the input type: nothing to convert."""
        self._pool = pool

    def create(self, job: Job) -> Outcome:
        """``site_pages.create_many`` over a lazy iterator of inputs."""
        return asyncio.run(self._create(job))

    async def _create(self, job: Job) -> Outcome:
        inputs = stamped(self._pool, job.count, _stamp)
        async with _client(job) as hs:
            report = await hs.site_pages.create_many(
                inputs, chunk_size=100, concurrency=job.concurrency, collect=job.collect
            )
            stats = hs.stats
        return Outcome(
            items=report.succeeded,
            requests=stats.requests,
            n429=stats.rate_limited_429,
            errors=report.failed,
        )

    def export(self, job: Job) -> Outcome:
        """``async for page in site_pages.export(shards=N)``."""
        return asyncio.run(self._export(job))

    async def _export(self, job: Job) -> Outcome:
        out = Outcome(items=0)
        bound = item_bound(job)
        async with _client(job) as hs:
            async for _page in hs.site_pages.export(shards=job.shards):
                out.items += 1
                if out.items > bound:
                    out.note = "stopped: more items than the emulator holds"
                    break
            out.requests, out.n429 = hs.stats.requests, hs.stats.rate_limited_429
        return out

    def prepare_decode(self, body: bytes) -> None:
        """Build the cached typed decoder once."""
        self.decode(body)

    def decode(self, body: bytes) -> int:
        """The client's own decode step: ``_sansio.decipher`` into ``CollectionResponse[Page]``."""
        page: CollectionResponse[Page] = decipher(200, {}, body, _LIST_TYPE)
        return len(page.results)
