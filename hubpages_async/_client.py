"""``HubPages``: the client object users hold."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any, Literal, Self

import aiohttp

from . import errors
from ._config import DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES, ClientConfig, TokenProvider
from ._core import ClientStats, Core, Params
from ._retry import RetryPolicy
from ._throttle import Limiter, RateLimit
from .resources import LandingPagesResource, PagesResource

__all__ = ["HubPages"]


class HubPages:
    """An async client for HubSpot's CMS Pages API. Use it as an async context manager::

        async with HubPages(token) as hs:
            async for page in hs.site_pages.list(name__icontains="pricing"):
                print(page.id, page.name)

    ``token`` falls back to ``HUBSPOT_ACCESS_TOKEN``, then to ``token_provider`` (an
    async callable, asked again once if HubSpot answers 401, e.g. for OAuth tokens
    that expire). One aiohttp session is opened on entry and closed on exit; a
    ``session`` you pass is used and never closed. Every resource shares one rate
    limiter (``rate_limit``, or your own ``limiter``), one concurrency limit and one
    retry budget. Answers larger than ``max_response_bytes`` (decompressed) raise
    ``errors.ResponseTooLargeError``; a server asking for a longer wait than
    ``retry.max_retry_after`` gets ``errors.RateLimitError`` instead of a paused client.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api: Literal["v3", "2026-03"] = "v3",
        token_provider: TokenProvider | None = None,
        session: aiohttp.ClientSession | None = None,
        rate_limit: RateLimit | None = None,
        limiter: Limiter | None = None,
        max_concurrency: int = 10,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.config = ClientConfig.build(
            token=token,
            base_url=base_url,
            api=api,
            token_provider=token_provider,
            rate_limit=rate_limit,
            retry=retry,
            max_concurrency=max_concurrency,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )
        self._core = Core(
            self.config, session=session, limiter=limiter, trace_configs=trace_configs
        )
        self._stack: AsyncExitStack | None = None
        #: Site pages (``/site-pages``).
        self.site_pages = PagesResource(self._core, "site-pages")
        #: Landing pages (``/landing-pages``), with ``.folders``.
        self.landing_pages = LandingPagesResource(self._core, "landing-pages")

    def __repr__(self) -> str:
        state = "open" if self._stack is not None else "closed"
        return (
            f"HubPages(base_url={self.config.base_url!r}, api={self.config.api_prefix!r}, {state})"
        )

    @property
    def stats(self) -> ClientStats:
        """Live counters: requests, retries, 429s, throttle waits..."""
        return self._core.stats

    @property
    def limiter(self) -> Limiter:
        """The rate limiter every request of this client goes through."""
        return self._core.limiter

    async def __aenter__(self) -> Self:
        if self._stack is not None:
            raise errors.ClientStateError("this HubPages client is already open")
        stack = AsyncExitStack()
        try:
            await self._core.open(stack)
        except BaseException:
            await stack.aclose()
            raise
        self._stack = stack
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        body: Any = None,
        response_type: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Any API call, with the client's auth, throttling, retries and error mapping.

        ``path`` is relative to the API prefix (``"site-pages/123"``), absolute from
        the host (``"/cms/v3/pages/site-pages"``), or an absolute URL on the base
        URL's host (e.g. a batch's ``links["status"]``). ``body`` is anything msgspec
        encodes; the answer is decoded as ``response_type`` (None: not decoded).
        ``idempotent`` defaults to False for POST, True otherwise::

            status = await hs.request("GET", batch.poll_url, response_type=BatchResponse[Page])
        """
        return await self._core.request(
            method,
            path,
            params=params,
            body=body,
            response_type=response_type,
            idempotent=idempotent,
        )
