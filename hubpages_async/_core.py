"""The one request loop: throttle -> transport.send -> decipher -> retry decision.

Every resource method ends up in :meth:`Core.request`. The pure decisions live in
``_sansio`` and ``_retry``; this module only sequences them and does the waiting.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import anyio

from . import errors
from ._config import USER_AGENT, ClientConfig, normalize_timeout, normalize_token
from ._retry import RetryBudget, RetryPolicy, decide
from ._sansio import RateLimitInfo, decipher, encode
from ._throttle import Limiter, SlidingWindowLimiter, current_operation, operation_key
from ._transport import RawResponse, Transport, client_timeout

__all__ = ["ClientStats", "Core"]

log = logging.getLogger("hubpages_async")

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})

Params = Sequence[tuple[str, str]] | Mapping[str, str] | None


@dataclass(slots=True)
class ClientStats:
    """Counters of one client, updated as it works (read them any time: ``hs.stats``)."""

    #: HTTP requests actually sent (every attempt counts).
    requests: int = 0
    #: Attempts repeated after a retryable failure.
    retries: int = 0
    #: 429 answers received.
    rate_limited_429: int = 0
    #: Requests that had to wait for the rate limiter, and the total seconds waited.
    throttle_waits: int = 0
    throttle_wait_seconds: float = 0.0
    #: Error answers and connection failures (before any retry).
    failures: int = 0
    #: Non-idempotent requests that failed with an unknown outcome.
    outcome_unknown: int = 0
    #: Retries refused because the client-wide retry budget was spent.
    retry_budget_exhausted: int = 0
    #: Times the token provider was asked again after a 401.
    token_refreshes: int = 0
    #: The portal's daily budget and what is left of it, from the last answer's headers
    #: (``X-HubSpot-RateLimit-Daily`` / ``-Daily-Remaining``); None until one says.
    daily_limit: int | None = None
    daily_remaining: int | None = None
    #: Live, not a counter: while the default limiter sleeps (its window is full, or a
    #: 429 paused it), when that sleep began and ends (``time.monotonic()``), else None.
    #: Progress displays read them to show a wait while it lasts, not after.
    throttle_sleep_started: float | None = None
    throttle_sleep_until: float | None = None


@dataclass(slots=True)
class _OpenState:
    """What exists only while the client is open, shared with every ``with_options`` view."""

    token: str | None = None
    token_lock: anyio.Lock | None = None
    capacity: anyio.CapacityLimiter | None = None


class Core:
    """Shared by every resource of one client: session, limiter, budget, token, stats.

    :meth:`with_options` makes a view with its own timeout and retry policy that shares
    everything else (session, limiter, concurrency, retry budget, token, stats).
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        limiter: Limiter | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
    ) -> None:
        self.config = config
        self.transport = Transport(
            timeout=config.timeout,
            session=session,
            trace_configs=trace_configs,
            max_connections=config.max_concurrency,
            max_response_bytes=config.max_response_bytes,
            proxy=config.proxy,
            trust_env=config.trust_env,
        )
        self._timeout = client_timeout(config.timeout)
        # learn_first: the first answer's rate-limit headers seed the window (issue 14).
        self.limiter: Limiter = limiter or SlidingWindowLimiter(
            config.rate_limit, sleep=self._throttle_sleep, learn_first=True
        )
        self.stats = ClientStats()
        self.budget = RetryBudget.for_policy(config.retry)
        #: Hooks for tests: the backoff sleep and the jitter source.
        self.sleep: Callable[[float], Awaitable[None]] = anyio.sleep
        self.rng: Callable[[], float] = random.random
        self._state = _OpenState(token=config.token)
        base = urlsplit(config.base_url)
        self._origin = (base.scheme, base.netloc)

    async def open(self, stack: AsyncExitStack) -> None:
        """Open the session; the concurrency limiter and lock need the running loop."""
        self._state.capacity = anyio.CapacityLimiter(self.config.max_concurrency)
        self._state.token_lock = anyio.Lock()
        await self.transport.open(stack, self.config.base_url)

    def with_options(
        self, *, timeout: float | None = None, retry: RetryPolicy | None = None
    ) -> Core:
        """A view of this core with another timeout and/or retry policy."""
        changes: dict[str, Any] = {}
        if timeout is not None:
            changes["timeout"] = normalize_timeout(timeout)
        if retry is not None:
            changes["retry"] = retry
        view = copy.copy(self)  # shares transport, limiter, budget, stats and _state
        view.config = dataclasses.replace(self.config, **changes)
        view._timeout = client_timeout(view.config.timeout)
        return view

    async def _throttle_sleep(self, seconds: float) -> None:
        """The default limiter's sleep, recorded in the stats while it lasts."""
        now = time.monotonic()
        self.stats.throttle_sleep_started = now
        self.stats.throttle_sleep_until = now + seconds
        try:
            await anyio.sleep(seconds)
        finally:
            self.stats.throttle_sleep_started = self.stats.throttle_sleep_until = None

    # -- addressing ----------------------------------------------------------------

    def resolve(self, target: str) -> tuple[str, str]:
        """``target`` -> (URL, path for messages).

        ``"site-pages/1"`` is relative to the API prefix, ``"/cms/v3/pages/x"`` to the
        base URL, and an absolute URL must be on the base URL's host: the token is
        only ever sent there.
        """
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            if (parts.scheme, parts.netloc) != self._origin:
                raise errors.ValidationError(
                    "path", "an absolute URL must be on the base_url's host (the token goes there)"
                )
            return target, parts.path
        if target.startswith("/"):
            url = self.config.base_url + target
        else:
            url = f"{self.config.api_root}/{target}" if target else self.config.api_root
        return url, urlsplit(url).path

    # -- token -----------------------------------------------------------------------

    async def _current_token(self) -> str:
        state = self._state
        if state.token is not None:
            return state.token
        provider = self.config.token_provider
        if provider is None or state.token_lock is None:
            raise errors.ClientStateError("the client is not open; use `async with HubPages(...)`")
        async with state.token_lock:
            if state.token is None:
                state.token = normalize_token(await provider())
            return state.token

    async def _refresh_token(self, stale: str) -> bool:
        """Ask the provider again after a 401; False when there is no provider."""
        provider = self.config.token_provider
        state = self._state
        if provider is None or state.token_lock is None:
            return False
        async with state.token_lock:
            if state.token == stale:  # else another request already refreshed it
                state.token = normalize_token(await provider())
                self.stats.token_refreshes += 1
                log.info("access token refreshed from the token provider after a 401")
        return True

    # -- the loop ----------------------------------------------------------------------

    async def request(
        self,
        method: str,
        target: str,
        *,
        params: Params = None,
        body: Any = None,
        response_type: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one API call with throttling and retries; return the decoded body."""
        if self._state.capacity is None or not self.transport.is_open:
            raise errors.ClientStateError(
                "the client is not open; use it inside `async with HubPages(...) as hs:`"
            )
        method = method.upper()
        url, path = self.resolve(target)
        data = encode(body) if body is not None else None
        query = list(params.items()) if isinstance(params, Mapping) else params
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        attempt = 0
        reauthenticated = False
        while True:
            attempt += 1
            token = await self._current_token()
            try:
                raw = await self._send(method, url, path, token, query, data)
                result = self._decipher(raw, response_type, method, path, token)
            except errors.AuthenticationError:
                self.stats.failures += 1
                if not reauthenticated and await self._refresh_token(token):
                    reauthenticated = True
                    attempt -= 1  # a fresh token is a new first attempt
                    continue
                raise
            except (errors.APIStatusError, errors.APIConnectionError) as exc:
                delay = self._after_failure(exc, method, path, body, attempt, idempotent)
                await self.sleep(delay)
                continue
            self.budget.deposit()
            return result

    def _after_failure(
        self,
        exc: errors.APIStatusError | errors.APIConnectionError,
        method: str,
        path: str,
        body: Any,
        attempt: int,
        idempotent: bool,
    ) -> float:
        """The backoff before the next attempt, or raise (the error itself, or
        ``OutcomeUnknownError`` when a non-idempotent request may have been applied)."""
        self.stats.failures += 1
        decision = decide(
            self.config.retry, exc, attempt=attempt, idempotent=idempotent, rng=self.rng
        )
        if decision.outcome_unknown:
            self.stats.outcome_unknown += 1
            log.warning("%s; outcome unknown, not retried", exc)  # exc names method and path
            raise errors.OutcomeUnknownError(
                method=method, path=path, body=body, cause=exc
            ) from exc
        if not decision.retry:
            raise exc
        # A rolling-window 429 is not a failing server: the pause gate already holds every
        # request back, so it does not spend the budget meant to stop retry storms.
        if not isinstance(exc, errors.RateLimitError) and not self.budget.withdraw():
            self.stats.retry_budget_exhausted += 1
            log.warning("%s %s: %s; retry budget exhausted", method, path, decision.reason)
            raise exc
        self.stats.retries += 1
        log.warning(
            "%s %s: %s; retry %d of %d in %.2fs",
            method,
            path,
            decision.reason,
            attempt,
            self.config.retry.max_attempts - 1,
            decision.delay,
        )
        return decision.delay

    async def _send(
        self,
        method: str,
        url: str,
        path: str,
        token: str,
        query: Sequence[tuple[str, str]] | None,
        data: bytes | None,
    ) -> RawResponse:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        capacity = self._state.capacity
        assert capacity is not None
        # Concurrency first, then the rate slot: a slot taken long before the send
        # would let sends bunch up on the server's clock. The non-blocking attempt
        # first spares the common, uncontended case a trip through the event loop.
        try:
            capacity.acquire_nowait()
        except anyio.WouldBlock:
            await capacity.acquire()
        operation = current_operation.set(operation_key(method, path))
        try:
            waited = await self.limiter.acquire()
            if waited > 0:
                self.stats.throttle_waits += 1
                self.stats.throttle_wait_seconds += waited
                log.debug("%s %s waited %.3fs for the rate limiter", method, path, waited)
            try:
                self.stats.requests += 1
                return await self.transport.send(
                    method,
                    url,
                    headers=headers,
                    params=query,
                    data=data,
                    path=path,
                    timeouts=self._timeout,
                )
            finally:
                self.limiter.release()
        finally:
            current_operation.reset(operation)
            capacity.release()

    def _decipher(
        self, raw: RawResponse, response_type: Any, method: str, path: str, token: str
    ) -> Any:
        # Every answer counts against HubSpot's window, errors included: a 404 saying
        # Remaining: 0 must hold the next request back as much as a 200 would.
        if raw.status != 429 and "x-hubspot-ratelimit-remaining" in raw.headers:
            info = RateLimitInfo.from_headers(raw.headers, status=raw.status)
            self._feedback(info)
            if info.daily_remaining is not None:
                self.stats.daily_limit, self.stats.daily_remaining = (
                    info.daily,
                    info.daily_remaining,
                )
        try:
            return decipher(
                raw.status,
                raw.headers,
                raw.body,
                response_type,
                method=method,
                path=path,
                secret=token,
            )
        except errors.RateLimitError as exc:
            self.stats.rate_limited_429 += 1
            log.warning(
                "%s %s: 429 %s (retry-after %s)", method, path, exc.policy_name, exc.retry_after
            )
            if not exc.is_daily:
                self._feedback(RateLimitInfo.from_headers(raw.headers, status=429), exc)
            raise

    def _feedback(self, info: RateLimitInfo, exc: errors.RateLimitError | None = None) -> None:
        """Pass rate-limit feedback to the limiter, its pause clamped to the cap.

        The cap is ``retry.max_retry_after``: a server asking for more (``Retry-After:
        99999``, an HTTP date in 2099, ``inf``) must not freeze every request of the
        client. A 429 asking for more than the cap pauses nothing and its call fails
        (``_retry.decide`` refuses the wait); a success saying ``Remaining: 0`` with an
        absurd interval pauses for the cap. Limiters (Redis ones too) rely on this: no
        pause they are given is longer than the cap.
        """
        cap = self.config.retry.max_retry_after
        pause = info.pause_for
        if pause is not None and pause > cap:
            if exc is not None:
                exc.args = (
                    f"{exc.args[0]}; the server asked to wait {pause:g}s, more than the "
                    f"{cap:g}s cap (RetryPolicy.max_retry_after): failed instead of waiting",
                )
                return
            info = replace(
                info,
                retry_after=None if info.retry_after is None else min(info.retry_after, cap),
                interval=None if info.interval is None else min(info.interval, cap),
            )
        self.limiter.feedback(info)
