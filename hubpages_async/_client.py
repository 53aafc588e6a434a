"""``HubPages``: the client object users hold."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any, Literal, Self

import aiohttp

from . import errors
from ._config import DEFAULT_MAX_RESPONSE_BYTES, ClientConfig, TokenProvider
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
    that expire); ``base_url`` to ``HUBSPOT_BASE_URL``, then to
    ``https://api.hubapi.com``. One aiohttp session is opened on entry and closed on
    exit (or with ``await hs.open()`` ... ``await hs.aclose()``); a ``session`` you pass
    is used and never closed. Every resource shares one rate limiter (``rate_limit``, or
    your own ``limiter``), one concurrency limit and one retry budget.

    ``proxy`` is a proxy URL (``http://user:password@proxy:3128``), as in aiohttp.
    Without one, ``trust_env=True`` (the default, as in httpx) takes it from
    ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``, honouring ``NO_PROXY``, read once when
    the client opens; ``trust_env=False`` ignores the environment. ``timeout`` (seconds,
    per request) and ``retry`` can be changed for some calls with :meth:`with_options`.
    Every request carries ``User-Agent: hubpages-async/VERSION (...)``.
    Answers larger than ``max_response_bytes`` (decompressed) raise
    ``errors.ResponseTooLargeError``; a server asking for a longer wait than
    ``retry.max_retry_after`` gets ``errors.RateLimitError`` instead of a paused client.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
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
        proxy: str | None = None,
        trust_env: bool = True,
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
            proxy=proxy,
            trust_env=trust_env,
        )
        self._core = Core(
            self.config, session=session, limiter=limiter, trace_configs=trace_configs
        )
        self._stack: AsyncExitStack | None = None
        #: The client a :meth:`with_options` view belongs to (None: this is the client).
        self._parent: HubPages | None = None
        #: Site pages (``/site-pages``).
        self.site_pages = PagesResource(self._core, "site-pages")
        #: Landing pages (``/landing-pages``), with ``.folders``.
        self.landing_pages = LandingPagesResource(self._core, "landing-pages")

    def __repr__(self) -> str:
        owner = self._parent or self
        state = "open" if owner._stack is not None else "closed"
        view = f", timeout={self.config.timeout:g}, view" if self._parent is not None else ""
        return (
            f"HubPages(base_url={self.config.base_url!r}, api={self.config.api_prefix!r}, "
            f"{state}{view})"
        )

    def with_options(
        self, *, timeout: float | None = None, retry: RetryPolicy | None = None
    ) -> HubPages:
        """This client with another per-request ``timeout`` (seconds) and/or ``retry``
        policy, for the calls made through it. It shares everything else with this
        client (session, rate limiter, concurrency limit, retry budget, token, stats)
        and is open exactly while this client is::

            quick = hs.with_options(timeout=5, retry=RetryPolicy.none())
            page = await quick.site_pages.get(page_id)
            await hs.with_options(timeout=120).site_pages.create_many(pages)
        """
        view = copy.copy(self)
        view._core = self._core.with_options(timeout=timeout, retry=retry)
        view.config = view._core.config
        view._stack = None
        view._parent = self._parent or self
        view.site_pages = PagesResource(view._core, "site-pages")
        view.landing_pages = LandingPagesResource(view._core, "landing-pages")
        return view

    @property
    def stats(self) -> ClientStats:
        """Live counters: requests, retries, 429s, throttle waits..."""
        return self._core.stats

    @property
    def limiter(self) -> Limiter:
        """The rate limiter every request of this client goes through."""
        return self._core.limiter

    async def open(self) -> Self:
        """Open the session (what ``async with`` does on entry); pair it with
        :meth:`aclose`, e.g. in an application's startup and shutdown hooks."""
        return await self.__aenter__()

    async def aclose(self) -> None:
        """Close the session (what ``async with`` does on exit). Closing twice is fine."""
        await self.__aexit__(None, None, None)

    async def __aenter__(self) -> Self:
        if self._parent is not None:
            raise errors.ClientStateError(
                "a with_options() view is opened and closed with the client it came from"
            )
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
        if self._parent is not None:
            raise errors.ClientStateError(
                "a with_options() view is opened and closed with the client it came from"
            )
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
