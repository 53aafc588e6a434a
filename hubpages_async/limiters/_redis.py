"""One rate budget for every process and host on a token: :class:`RedisLimiter`.

HubSpot counts its rolling window per app (token) and its daily budget per account,
never per process. Each admission is one Lua script on the Redis server (one round
trip), timed by Redis's own clock, that *reserves* the request's send time: a caller that
must wait is told for how long and sleeps, so nobody polls and requests are served in
the order they asked (fair across processes). See ``_redis_scripts`` for the keys.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from types import TracebackType
from typing import Any, Literal, Self

import anyio

from .. import errors
from .._sansio import RateLimitInfo
from .._throttle import RateLimit, RoundTrips, SlidingWindowLimiter
from ..models import ErrorBody
from . import _redis_scripts as lua

try:
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError
except ImportError as exc:  # pragma: no cover - the optional extra is missing
    raise ImportError(
        "RedisLimiter needs the redis extra: pip install 'hubpages-async[redis]'"
    ) from exc

__all__ = ["RedisLimiter"]

log = logging.getLogger("hubpages_async")

OnRedisError = Literal["fail", "local"]

#: How often a process on its local fallback asks whether Redis is back.
PROBE_INTERVAL_S = 0.5

_US = 1_000_000


def token_key(token: str) -> str:
    """A short, stable name for a token: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


class RedisLimiter:
    """A :class:`~hubpages_async.Limiter` whose window lives in Redis, shared by every
    process and host that uses the same Redis and token.

    It is exact: no rolling window of ``rate.effective_window`` holds more than
    ``rate.effective_requests`` admissions, counted over every process. A rolling-window
    429 (or ``Remaining: 0`` from a server whose limit is below ours) seen by any process
    pauses all of them through one key with a TTL. With ``daily_limit`` each admission is
    also counted against the account's day (UTC, on Redis's clock) and
    :meth:`daily_remaining` tells what is left before a job starts.

    When Redis cannot be reached, ``on_redis_error`` decides:

    - ``"fail"`` (default): :class:`~hubpages_async.errors.LimiterUnavailableError`
      before anything is sent, at the start or mid-job. Bulk jobs stop with their
      journal intact; rerun them once Redis is back.
    - ``"local"``: each process falls back to its own in-process window at
      ``fallback_share`` of the budget (the shares of all processes must add up to at
      most 1). It first sits out two windows, so that nothing admitted through Redis can
      share a window with its local sends; when Redis answers again it records what it
      sent meanwhile and, for one more window, obeys both.

    If Redis comes back empty (a restart without persistence), the first request lets
    the server say what it already counts (``X-HubSpot-RateLimit-Remaining``) before the
    others go.

    Keys are ``{namespace}:{sha256(token)[:16]}:*`` and all expire. Example::

        limiter = RedisLimiter("redis://localhost:6379/0", token=token,
                               rate=RateLimit.tier("professional"))
        async with limiter, HubPages(token, limiter=limiter) as hs:
            ...
    """

    def __init__(
        self,
        url: str,
        *,
        token: str,
        rate: RateLimit | None = None,
        daily_limit: int | None = None,
        account: str | None = None,
        on_redis_error: OnRedisError = "fail",
        fallback_share: float = 0.5,
        namespace: str = "hubpages",
        socket_timeout: float = 2.0,
    ) -> None:
        if not token:
            raise errors.ValidationError("token", "must not be empty (the keys derive from it)")
        if on_redis_error not in ("fail", "local"):
            raise errors.ValidationError("on_redis_error", "must be 'fail' or 'local'")
        if not 0 < fallback_share <= 1:
            raise errors.ValidationError("fallback_share", "must be in (0, 1]")
        if daily_limit is not None and daily_limit < 1:
            raise errors.ValidationError("daily_limit", "must be at least 1")
        self.url = url
        self.rate = rate or RateLimit()
        self.daily_limit = daily_limit
        self.on_redis_error: OnRedisError = on_redis_error
        self.fallback_share = fallback_share
        self._limit = self.rate.effective_requests
        self._window = self.rate.effective_window
        prefix = f"{namespace}:{token_key(token)}"
        self._keys = [f"{prefix}:log", f"{prefix}:pause", f"{prefix}:seq", f"{prefix}:probe"]
        self._window_key = f"{prefix}:window"
        self._daily_key = f"{namespace}:daily:{account or token_key(token)}"
        self._socket_timeout = socket_timeout
        self._ttl_ms = int((3 * self._window) * 1000) + 1000
        self._clock: Callable[[], float] = time.monotonic
        self._sleep: Callable[[float], Awaitable[None]] = anyio.sleep
        self._redis: aioredis.Redis | None = None
        self._scripts: dict[str, Any] = {}
        self._paused_until = -math.inf  # local clocks may read anything, even negative
        self._mode: Literal["redis", "fallback", "both"] = "redis"
        self._both_until = 0.0
        self._next_probe = 0.0
        self._fallback: SlidingWindowLimiter | None = None
        self._sent: deque[float] = deque(maxlen=self._limit)
        self._probing = contextvars.ContextVar[bool](f"probe-{id(self)}", default=False)
        self._sent_at = contextvars.ContextVar[tuple[float, bool] | None](
            f"sent-{id(self)}", default=None
        )
        self._round_trips = RoundTrips(self.rate, spreads=2.0)
        self._syncing = False
        self._tasks: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return f"RedisLimiter({self._limit} per {self._window:g}s, mode={self._mode})"

    # -- connection ---------------------------------------------------------------------

    def _client(self) -> aioredis.Redis:
        if self._redis is None:  # created lazily: the pool binds to the running loop
            self._redis = aioredis.Redis.from_url(
                self.url,
                socket_timeout=self._socket_timeout,
                socket_connect_timeout=self._socket_timeout,
                retry_on_timeout=False,
            )
            for name in ("ADMIT", "SYNC", "RECORD", "PAUSE", "DAILY_USED"):
                self._scripts[name] = self._redis.register_script(getattr(lua, name))
        return self._redis

    async def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        client = self._client()  # registers the scripts on first use
        return await self._scripts[name](keys=keys, args=args, client=client)

    async def check(self) -> None:
        """Raise :class:`~hubpages_async.errors.LimiterUnavailableError` unless Redis
        answers (call it before a job, so a wrong URL fails before anything is sent)."""
        try:
            await self._client().ping()
        except (RedisError, OSError) as exc:
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: BaseException) -> errors.LimiterUnavailableError:
        return errors.LimiterUnavailableError(
            f"the shared rate limiter at {_safe_url(self.url)} is unreachable "
            f"({type(exc).__name__}); nothing was sent"
        )

    async def aclose(self) -> None:
        """Close the connection pool (and wait for pending pause broadcasts)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        redis, self._redis = self._redis, None
        if redis is not None:
            await redis.aclose()

    async def __aenter__(self) -> Self:
        await self.check()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- the Limiter protocol ----------------------------------------------------------

    async def acquire(self) -> float:
        """Reserve a send time in Redis and sleep until it; return the seconds waited."""
        started = self._clock()
        if self._mode == "fallback" and started >= self._next_probe:
            await self._try_regain()
        while (pause := self._paused_until - self._clock()) > 0:
            await self._sleep(pause)
        if self._mode == "both" and self._clock() >= self._both_until:
            self._mode = "redis"
            log.info("shared rate limiter: back on Redis alone")
        if self._mode != "redis":
            assert self._fallback is not None
            await self._fallback.acquire()
            if self._mode == "fallback":
                self._sent.append(self._clock())
                return self._clock() - started
        try:
            slot = await self._reserve()
        except (RedisError, OSError) as exc:
            if self.on_redis_error == "fail":
                raise self._unavailable(exc) from exc
            self._enter_fallback(exc)
            return await self.acquire() + (self._clock() - started)
        self._sent.append(self._clock())
        # The round trip is measured from the reserved time, so a late wake-up of a busy
        # event loop widens the margin as much as a slow network does.
        self._sent_at.set((slot, False))
        return self._clock() - started

    async def _reserve(self) -> float:
        """Reserve a send time and sleep until it; return it (on the local clock)."""
        # Each caller passes its own window (HubSpot's plus its margin): every admission
        # lands at least that long after the one `limit` places before it, which keeps
        # every window of HubSpot's length within the limit whatever the mix.
        args = [
            self._limit,
            int(self._round_trips.window * _US),
            int(self._window * _US),  # reservations at most one window ahead
            self._ttl_ms,
            self.daily_limit or 0,
            int(self._window * 1000),
        ]
        while True:
            keys = [*self._keys, self._daily_key, self._window_key]
            code, wait_us, extra = await self._run("ADMIT", keys, args)
            if code == 2:
                raise _daily_spent(int(extra))
            slot = self._clock() + int(wait_us) / _US
            await self._sleep(int(wait_us) / _US)
            if code == 0:
                if extra:
                    self._probing.set(True)
                return slot

    def release(self) -> None:
        """Measure the round trip: its spread widens the window this process asks for."""
        sent = self._sent_at.get()
        if sent is not None and not sent[1]:
            self._sent_at.set((sent[0], True))  # kept for feedback: when this request went
            self._round_trips.add(self._clock() - sent[0])

    def pause_until(self, deadline: float) -> None:
        """Hold every request of every process until ``deadline`` (``time.monotonic()``
        seconds here; sent to Redis as a duration). Never shortens a pause."""
        if deadline > self._paused_until:
            self._paused_until = deadline
        if self._fallback is not None:
            self._fallback.pause_until(deadline)
        seconds = deadline - self._clock()
        if seconds > 0 and self._mode != "fallback":
            self._spawn(self._run("PAUSE", [self._keys[1]], [int(seconds * _US)]))

    def feedback(self, info: RateLimitInfo) -> None:
        """Share a rolling-window 429's pause; after a cold start (and near a window's
        end) make the shared log's room no larger than the server's ``Remaining``."""
        if info.max is not None and info.remaining is not None and not info.rate_limited:
            probe = self._probing.get()
            # Near the end of the server's window, check that the shared log holds at
            # least what the server counts (sends stamped late, or a client that does
            # not share this Redis); one check in flight at a time.
            low = info.remaining <= max(2, info.max // 20)
            if probe or (low and not self._syncing and self._mode == "redis"):
                self._probing.set(False)
                # Entries it adds age out of the server's window (its interval), not ours.
                server_window = info.interval or self.rate.per_seconds
                back = max(0.0, self._round_trips.window - server_window)
                self._spawn(self._sync(info.remaining, back, probe=probe))
        if self._fallback is not None and self._mode != "redis":
            self._fallback.feedback(info)
        pause = info.pause_for
        # Remaining 0 after our own admissions is the shared log doing its job; it only
        # calls for a pause when the server's limit is below the one we use.
        if (
            not info.rate_limited
            and info.retry_after is None
            and (info.remaining != 0 or info.max is None or info.max >= self._limit)
        ):
            return
        if pause is None and (info.rate_limited or info.remaining == 0):
            pause = self.rate.per_seconds
        if pause:
            log.warning(
                "rate limit feedback (429=%s, remaining=%s): pausing every process for %.2fs",
                info.rate_limited,
                info.remaining,
                pause,
            )
            self.pause_until(self._clock() + pause)

    async def _sync(self, remaining: int, back: float, *, probe: bool) -> None:
        self._syncing = True
        try:
            keys = [self._keys[0], self._keys[3], self._keys[2]]
            window = int(self._round_trips.window * _US)
            args = [window, self._limit, remaining, self._ttl_ms, int(probe), int(back * _US)]
            added = await self._run("SYNC", keys, args)
            if added:
                log.info("shared rate limiter: the server counts %d sends Redis did not", added)
        finally:
            self._syncing = False

    # -- the daily budget -----------------------------------------------------------------

    async def daily_remaining(self) -> int | None:
        """Requests left today on this account (None without ``daily_limit``)."""
        if self.daily_limit is None:
            return None
        try:
            used = await self._run("DAILY_USED", [self._daily_key], [])
        except (RedisError, OSError) as exc:
            raise self._unavailable(exc) from exc
        return max(0, self.daily_limit - int(used))

    # -- losing and regaining Redis ----------------------------------------------------

    def _enter_fallback(self, exc: BaseException) -> None:
        now = self._clock()
        share = max(1, int(self._limit * self.fallback_share))
        rate = replace(self.rate, requests=share, headroom=0.0)
        if self._fallback is None:
            self._fallback = SlidingWindowLimiter(rate, clock=self._clock, sleep=self._sleep)
        # Reservations reach at most one window ahead: after two windows nothing that
        # Redis admitted (in any process) can share a window with a local send.
        self._fallback.pause_until(now + 2 * self._window)
        self._fallback.pause_until(self._paused_until)
        self._mode = "fallback"
        self._next_probe = now + PROBE_INTERVAL_S
        log.warning(
            "shared rate limiter unreachable (%s): local fallback at %d per %.3gs after %.3gs",
            type(exc).__name__,
            share,
            self._window,
            2 * self._window,
        )

    async def _try_regain(self) -> None:
        now = self._clock()
        self._next_probe = now + PROBE_INTERVAL_S
        ages = [int((now - t) * _US) for t in self._sent if now - t < self._window]
        try:
            await self._run("RECORD", [self._keys[0], self._keys[2]], [self._ttl_ms, *ages])
        except (RedisError, OSError):
            return
        # Processes still on their fallback cannot see our Redis admissions: keep our own
        # share too until every busy process has had time to notice Redis is back.
        self._mode = "both"
        self._both_until = now + self._window + PROBE_INTERVAL_S
        log.warning("shared rate limiter reachable again: recorded %d local sends", len(ages))

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(_quietly(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _quietly(coro: Coroutine[Any, Any, Any]) -> None:
    # A lost pause broadcast costs a 429 elsewhere, never correctness: log, do not raise.
    try:
        await coro
    except (RedisError, OSError) as exc:
        log.warning("shared rate limiter: a broadcast to Redis failed (%s)", type(exc).__name__)


def _daily_spent(limit: int) -> errors.RateLimitError:
    body = ErrorBody(
        message=f"The shared daily budget of {limit} requests is spent (counted in Redis).",
        error_type="RATE_LIMIT",
        policy_name="DAILY",
    )
    return errors.RateLimitError(429, body)


def _safe_url(url: str) -> str:
    """The URL without a password (redis://:secret@host)."""
    head, sep, tail = url.partition("@")
    if not sep:
        return url
    scheme, _, _ = head.partition("://")
    return f"{scheme}://***@{tail}"
