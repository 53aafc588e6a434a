"""HubSpot's new Stainless SDK (``hubspot-sdk``), through its async client.

It calls the dated ``/cms/pages/2026-03/...`` paths, which the emulator serves. It has no
chunking helper, so a create job is the naive fan-out its README implies: split into
batches of 100 and ``asyncio.gather`` one ``batch.create_site_pages`` call per batch.
Its own retry policy (2 retries, honouring ``Retry-After``) is left at the default.
"""

from __future__ import annotations

import asyncio
import json
from itertools import islice
from typing import Any

import hubspot_sdk
from hubspot_sdk._models import construct_type
from hubspot_sdk.pagination import AsyncPage
from hubspot_sdk.types.cms import PagesPage

from hubpages_async.models import Page

from .._inputs import snake_fields, stamped
from ._base import TOKEN, Job, Outcome, item_bound

__all__ = ["HubspotSdk"]

#: The exact type ``site_pages.list()`` casts a list response to.
_LIST_TYPE: Any = AsyncPage[PagesPage]


def _stamp(page: dict[str, Any], i: int, slug: str, name: str) -> dict[str, Any]:
    return {**page, "slug": slug, "name": name}


class _StatusCounter:
    """An httpx response hook: the SDK retries 429s internally, so count them on the wire."""

    def __init__(self) -> None:
        self.requests = 0
        self.n429 = 0

    async def __call__(self, response: Any) -> None:  # an httpx.Response
        self.requests += 1
        self.n429 += response.status_code == 429


def _client(job: Job, counter: _StatusCounter) -> Any:
    # DefaultAsyncHttpxClient keeps the SDK's own pool limits and timeouts; only the hook is ours.
    http = hubspot_sdk.DefaultAsyncHttpxClient(event_hooks={"response": [counter]})
    return hubspot_sdk.AsyncHubSpot(access_token=TOKEN, base_url=job.base_url, http_client=http)


class HubspotSdk:
    """``hubspot_sdk.AsyncHubSpot`` pointed at the emulator."""

    name = "hubspot-sdk"

    def __init__(self) -> None:
        self._pool: list[dict[str, Any]] = []

    def prepare_create(self, pool: list[Page]) -> None:
        """``PagesPageParam`` is a TypedDict keyed by Python (snake_case) names."""
        self._pool = [snake_fields(p) for p in pool]

    def create(self, job: Job) -> Outcome:
        """``asyncio.gather`` over one ``batch.create_site_pages`` call per 100 inputs."""
        return asyncio.run(self._create(job))

    async def _create(self, job: Job) -> Outcome:
        counter = _StatusCounter()
        inputs = stamped(self._pool, job.count, _stamp)
        chunks = list(iter(lambda: list(islice(inputs, 100)), []))
        out = Outcome(items=0)
        async with _client(job, counter) as client:
            batch = client.cms.pages.site_pages.batch
            results = await asyncio.gather(
                *(batch.create_site_pages(inputs=chunk) for chunk in chunks),
                return_exceptions=True,
            )
        for chunk, result in zip(chunks, results, strict=True):
            if isinstance(result, BaseException):
                out.errors += len(chunk)
                out.note = type(result).__name__
            else:
                out.items += len(result.results)
        out.requests, out.n429 = counter.requests, counter.n429
        return out

    def export(self, job: Job) -> Outcome:
        """``async for page in site_pages.list(limit=100)`` (the SDK's auto-pagination)."""
        return asyncio.run(self._export(job))

    async def _export(self, job: Job) -> Outcome:
        counter = _StatusCounter()
        out = Outcome(items=0)
        bound = item_bound(job)
        async with _client(job, counter) as client:
            try:
                async for _page in client.cms.pages.site_pages.list(limit=100):
                    out.items += 1
                    if out.items > bound:
                        out.note = "stopped: more items than the emulator holds"
                        break
            except hubspot_sdk.APIError as exc:
                out.errors += 1
                out.note = type(exc).__name__
        out.requests, out.n429 = counter.requests, counter.n429
        return out

    def prepare_decode(self, body: bytes) -> None:
        """Build pydantic's per-type machinery once, as a long-lived client would have."""
        self.decode(body)

    def decode(self, body: bytes) -> int:
        """What the client does with a list response: ``json.loads`` + ``construct_type``."""
        page: Any = construct_type(type_=_LIST_TYPE, value=json.loads(body))
        return len(page.results)
