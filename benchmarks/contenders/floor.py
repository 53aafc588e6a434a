"""The floor: bare aiohttp + msgspec, no limiter, no retries, no models.

It is what any client must at least spend: one session, requests built by hand, bodies
encoded and decoded by msgspec into plain dicts and lists. A 429 or any other error is
counted and the request is not retried, so in rate-limited scenarios it shows what an
unthrottled loop runs into rather than a usable result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import aiohttp
import msgspec

from hubpages_async.models import Page

from .._inputs import stamped
from ._base import TOKEN, Job, Outcome

__all__ = ["Floor"]

_PATH = "/cms/v3/pages/site-pages"
_HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode


def _stamp(page: dict[str, Any], i: int, slug: str, name: str) -> dict[str, Any]:
    return {**page, "slug": slug, "name": name}


class Floor:
    """The bare-minimum client; see the module docstring."""

    name = "floor"

    def __init__(self) -> None:
        self._pool: list[dict[str, Any]] = []

    def prepare_create(self, pool: list[Page]) -> None:
        """Wire-form dicts (camelCase), which is all the floor ever sends."""
        self._pool = [msgspec.to_builtins(p) for p in pool]

    def create(self, job: Job) -> Outcome:
        """Batch-create in chunks of 100 with ``job.concurrency`` requests in flight."""
        return asyncio.run(self._create(job))

    async def _create(self, job: Job) -> Outcome:
        out = Outcome(items=0)
        inputs = stamped(self._pool, job.count, _stamp)

        async def worker(session: aiohttp.ClientSession) -> None:
            # Bounded: no worker can take more chunks than there are.
            for _ in range(job.count // 100 + 1):
                # No lock needed: taking a chunk never awaits, so workers cannot interleave.
                chunk = _take(inputs, 100)
                if not chunk:
                    return
                body = _encode({"inputs": chunk})
                async with session.post(_PATH + "/batch/create", data=body) as resp:
                    data = await resp.read()
                    status = resp.status
                out.requests += 1
                if status in (200, 201, 207):
                    out.items += len(_decode(data).get("results", ()))
                else:
                    out.n429 += status == 429
                    out.errors += len(chunk)

        async with _session(job) as session:
            await asyncio.gather(*(worker(session) for _ in range(job.concurrency)))
        return out

    def export(self, job: Job) -> Outcome:
        """One cursor chain over ``GET site-pages?limit=100``."""
        return asyncio.run(self._export(job))

    async def _export(self, job: Job) -> Outcome:
        out = Outcome(items=0)
        params = {"limit": "100"}
        async with _session(job) as session:
            # Bounded: a chain can never be longer than the pages it must deliver.
            for _ in range(job.count // 100 + 10):
                async with session.get(_PATH, params=params) as resp:
                    data = await resp.read()
                    status = resp.status
                out.requests += 1
                if status != 200:
                    out.n429 += status == 429
                    out.errors += 1
                    out.note = f"stopped at HTTP {status}"
                    break
                page = _decode(data)
                out.items += len(page["results"])
                after = (page.get("paging") or {}).get("next", {}).get("after")
                if not after:
                    break
                params = {"limit": "100", "after": after}
        return out

    def prepare_decode(self, body: bytes) -> None:
        """Nothing to warm: untyped decoding has no schema."""

    def decode(self, body: bytes) -> int:
        """msgspec into dicts and lists."""
        return len(_decode(body)["results"])


def _take(it: Iterator[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    chunk: list[dict[str, Any]] = []
    for item in it:
        chunk.append(item)
        if len(chunk) == n:
            break
    return chunk


def _session(job: Job) -> aiohttp.ClientSession:
    # limit=0: no connector cap, the floor's concurrency is exactly job.concurrency.
    return aiohttp.ClientSession(
        base_url=job.base_url,
        headers=_HEADERS,
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=120),
    )
