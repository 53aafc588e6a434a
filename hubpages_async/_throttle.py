"""Client-side rate limiting: HubSpot counts requests in a *rolling* window.

A leaky bucket such as ``aiolimiter.AsyncLimiter(100, 10)`` starts full, so it lets a
burst of 100 through and then refills continuously: nearly 200 requests can land in
one 10-second window. :class:`SlidingWindowLimiter` keeps an exact log of the last N
send times instead, so no rolling window of W seconds ever holds more than N sends.
It also carries the shared pause gate: a rolling-window 429, or
``X-HubSpot-RateLimit-Remaining: 0``, makes every request wait (``Retry-After`` if
sent, else the window length from ``X-HubSpot-RateLimit-Interval-Milliseconds``).

:class:`SteadyLimiter` is the alternative for jobs that share the quota with live
traffic: aiolimiter's leaky bucket, sized so that it is exact on its own, meters
requests out evenly instead of spending a whole window's budget at once.

Anything implementing :class:`Limiter` can replace them: ``hubpages_async.limiters``
also has :class:`~hubpages_async.limiters.RedisLimiter`, one budget for every process
and host on a token.
"""

from __future__ import annotations

import contextvars
import logging
import math
import re
import time
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

import anyio
from aiolimiter import AsyncLimiter

from . import errors
from ._sansio import RateLimitInfo

__all__ = [
    "FastestRoundTrips",
    "Limiter",
    "RateLimit",
    "RoundTrips",
    "SlidingWindowLimiter",
    "SteadyLimiter",
    "current_operation",
    "operation_key",
]

log = logging.getLogger("hubpages_async")

_EPSILON = 1e-6

#: What the current task is sending ("GET /cms/v3/pages/site-pages/#", ids collapsed),
#: set by the client core around each request: a round trip is compared with the
#: fastest recent one of the same operation, never with a quicker kind of request.
current_operation = contextvars.ContextVar[str]("hubpages-operation", default="")

_DIGITS = re.compile(r"\d+")

#: A delay beyond the margin that fewer than this share of recent round trips show is a
#: queue at one moment (re-dated), not the spread the margin is sized for.
_RARE_DELAY_SHARE = 0.2


def operation_key(method: str, path: str) -> str:
    """The name ``current_operation`` takes for a request: its method and path, ids
    collapsed, so every page's GET is one operation."""
    return f"{method} {_DIGITS.sub('#', path)}"


class FastestRoundTrips:
    """The last ``keep`` round trips of each operation: the fastest is what its answer
    takes when nothing queues (time above it is queueing, which may come before the
    server's counter as well as after it), and the share of slower ones tells a few
    requests held back at one moment from a delay that is always there."""

    #: Fewer recent round trips than this say nothing about how rare a delay is.
    MIN_SAMPLES: ClassVar[int] = 16

    def __init__(self, keep: int = 64, operations: int = 64) -> None:
        self._keep = keep
        self._operations = operations
        self._recent: dict[str, deque[float]] = {}

    def add(self, operation: str, rtt: float) -> float:
        """Count one round trip; return the fastest recent one of ``operation``."""
        recent = self._recent.get(operation)
        if recent is None:
            if len(self._recent) >= self._operations:  # bounded: forget the oldest kind
                del self._recent[next(iter(self._recent))]
            recent = self._recent[operation] = deque(maxlen=self._keep)
        recent.append(rtt)
        return min(recent)

    def rarely_over(self, operation: str, rtt: float, share: float) -> bool:
        """Whether fewer than ``share`` of the recent round trips of ``operation`` took
        longer than ``rtt`` (False until there are enough of them to tell)."""
        recent = self._recent.get(operation, ())
        if len(recent) < self.MIN_SAMPLES:
            return False
        return sum(1 for r in recent if r > rtt) < share * len(recent)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``requests`` per rolling ``per_seconds`` window, as HubSpot states its limits.

    The limiter enforces ``effective_requests`` per ``effective_window``: ``headroom``
    keeps a fraction of the quota spare (for retries and other tools on the same app)
    and ``margin`` widens the window so that uneven network delay between client and
    server cannot squeeze two windows' worth of requests into one on the server's clock.
    The defaults (2% and a tenth of a second) cost about 3% of the quota; a request
    that slips past them anyway draws a 429, which pauses the client and is retried.

    >>> RateLimit.tier("professional").requests
    190
    >>> RateLimit.parse("100/10s").effective_requests
    98
    """

    requests: int = 100
    per_seconds: float = 10.0
    headroom: float = 0.02
    margin: float = 0.1

    TIERS: ClassVar[dict[str, int]] = {
        "free": 100,
        "starter": 100,
        "private_app": 100,
        "public_app": 110,
        "oauth": 110,
        "professional": 190,
        "enterprise": 190,
        "capacity_pack": 250,
    }

    def __post_init__(self) -> None:
        if self.requests < 1:
            raise errors.ValidationError("requests", "must be at least 1")
        if not self.per_seconds > 0:
            raise errors.ValidationError("per_seconds", "must be positive")
        if not 0 <= self.headroom < 1:
            raise errors.ValidationError("headroom", "must be in [0, 1)")
        if self.margin < 0:
            raise errors.ValidationError("margin", "must not be negative")

    @classmethod
    def tier(cls, name: str) -> RateLimit:
        """HubSpot's published per-10-second limits: ``free``/``starter`` (100),
        ``public_app``/``oauth`` (110), ``professional``/``enterprise`` (190),
        ``capacity_pack`` (250)."""
        key = name.lower().replace("-", "_").replace(" ", "_")
        if key not in cls.TIERS:
            raise errors.ValidationError(
                "tier", f"unknown tier {name!r}; one of {sorted(cls.TIERS)}"
            )
        return cls(requests=cls.TIERS[key], per_seconds=10.0)

    @classmethod
    def parse(cls, spec: str) -> RateLimit:
        """``"100/10s"`` or ``"190/10"`` -> RateLimit (for command lines and config files)."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", spec)
        if not match:
            raise errors.ValidationError("rate_limit", f"expected REQUESTS/SECONDS, got {spec!r}")
        return cls(requests=int(match[1]), per_seconds=float(match[2]))

    @property
    def effective_requests(self) -> int:
        """The count the limiter allows per window (the quota less headroom)."""
        return max(1, math.floor(self.requests * (1 - self.headroom) + 1e-9))

    @property
    def effective_window(self) -> float:
        """The window the limiter measures (HubSpot's window plus the margin)."""
        return self.per_seconds + self.margin


class RoundTrips:
    """The spread of a limiter's recent round trips, and the window it calls for.

    Requests reach the server's counter after uneven delays; when one window's late
    sends and the next window's early ones meet in one of the server's windows, it
    holds more than the limit. A margin of one standard deviation of the round trip
    (which includes that delay) keeps them apart: ``window`` is HubSpot's window plus
    the larger of that and the configured margin (at most a tenth of a window). ``spreads``
    scales it: a limiter shared by several processes on one host also meets their
    uneven turns on the CPU, which come in bursts a single deviation underrates.
    """

    def __init__(self, rate: RateLimit, *, spreads: float = 1.0) -> None:
        self.rate = rate
        self.spreads = spreads
        self.window = rate.effective_window
        self._mean: float | None = None
        self._var = 0.0

    def add(self, rtt: float) -> float:
        """Count one round trip (seconds); return the window to use from now on."""
        if self._mean is None:
            self._mean = rtt
        else:  # exponentially weighted mean and variance of the last ~50 round trips
            delta = rtt - self._mean
            self._mean += 0.04 * delta
            self._var = 0.96 * (self._var + 0.04 * delta * delta)
        # At most a tenth of the window: a server slow enough to spread answers further
        # is held back by its own Remaining (the log is seeded from it), not by idling.
        spread = min(self.spreads * math.sqrt(self._var), self.rate.per_seconds / 10)
        self.window = self.rate.per_seconds + max(self.rate.margin, spread)
        return self.window


@runtime_checkable
class Limiter(Protocol):
    """What the request loop needs from a rate limiter.

    ``acquire`` waits for permission to send one request and returns the seconds it
    waited; ``release`` is called once that request has been answered (or failed);
    ``pause_until`` holds every request back until a ``time.monotonic()`` deadline;
    ``feedback`` receives the rate-limit headers of every answer.

    The limiter shared between processes implements the same four methods::

        limiter = RedisLimiter("redis://localhost:6379/0", token=token)
        async with limiter, HubPages(token, limiter=limiter) as hs: ...
    """

    async def acquire(self) -> float: ...

    def release(self) -> None: ...

    def pause_until(self, deadline: float) -> None: ...

    def feedback(self, info: RateLimitInfo) -> None: ...


class SlidingWindowLimiter:
    """The default in-process :class:`Limiter`: an exact log of recent send times.

    Waiters queue on a FIFO lock, so requests go out in arrival order and the check
    plus the log append cannot interleave. ``clock`` and ``sleep`` are injectable so
    that tests can run hours of simulated traffic without waiting.

    It learns from the server too. Every answer's ``X-HubSpot-RateLimit-Remaining`` is
    the room left in the server's window; when that is less than the room this log
    sees (another process just spent part of the budget, or the server stamped some of
    our sends later than we sent them), the difference is entered as sends made now.
    And the window's margin grows to the spread of the round trips it measures, since
    requests that reach the server's counter after uneven delays can otherwise land two
    windows' worth of sends in one of the server's windows.

    With ``learn_first`` (what ``HubPages`` uses by default) the very first request goes
    out alone and the others wait for its answer, so a process started just after
    another one on the same token learns what is left before it sends a burst.

    >>> limiter = SlidingWindowLimiter(RateLimit(requests=190, per_seconds=10))
    """

    def __init__(
        self,
        rate: RateLimit | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        learn_first: bool = False,
    ) -> None:
        self.rate = rate or RateLimit()
        self._limit = self.rate.effective_requests
        self._window = self.rate.effective_window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque(maxlen=self._limit)
        #: Sends that have left the window, newest last: an answer that took a while
        #: was counted by the server when those were still in its window (_ours_counted).
        self._gone: deque[float] = deque(maxlen=self._limit)
        self._paused_until = 0.0
        self._lock: anyio.Lock | None = None
        #: When this task's request was let through, whether it has been answered, and
        #: its operation (read back by ``release`` and ``feedback``).
        self._sent_at = contextvars.ContextVar[tuple[float, bool, str] | None](
            f"sent-{id(self)}", default=None
        )
        self._round_trips = RoundTrips(self.rate)
        self._fastest = FastestRoundTrips()
        #: Until when the window may not shrink (a re-dated entry relies on its margin).
        self._held_until = -math.inf
        # Until the first answer (release or feedback), one request at a time.
        self._learned = not learn_first
        self._probe_out = False
        self._first_answer: anyio.Event | None = None

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter({self._limit} per {self._window:g}s)"

    @property
    def window(self) -> float:
        """The window the log measures now: HubSpot's, plus the larger of the configured
        margin and the spread (one standard deviation) of recent round trips."""
        return self._window

    def _expire(self, now: float) -> float:
        """Move the sends that have left the window to ``_gone``; return the cutoff."""
        sent = self._sent
        # A microsecond of slack: after sleeping exactly until an entry's expiry,
        # float rounding must not leave it a hair short of expired (a busy loop).
        cutoff = now - self._window
        while sent and sent[0] <= cutoff + _EPSILON:
            self._gone.append(sent.popleft())
        return cutoff

    def _wait_needed(self, now: float) -> float:
        if now < self._paused_until:
            return self._paused_until - now
        cutoff = self._expire(now)
        if len(self._sent) < self._limit:
            return 0.0
        return self._sent[0] - cutoff

    def _ours_in(self, window: float, until: float) -> int:
        """How many of this limiter's sends (phantoms included) fall in the ``window``
        seconds up to ``until``."""
        since = until - window
        return sum(
            bisect_right(log, until) - bisect_right(log, since) for log in (self._gone, self._sent)
        )

    def _ours_counted(self, window: float) -> int:
        """The most of our sends the server can have counted when it stamped the request
        whose answer is being read, at some moment between that request's send and now:
        the larger of the server's ``window`` up to the send and the log as it is now
        (whose window is the server's plus the margin)."""
        self._expire(self._clock())
        return max(self._ours_in(window, self._send_time()), len(self._sent))

    def _send_time(self) -> float:
        """When the request whose answer is being read was let through (now if unknown)."""
        sent = self._sent_at.get()
        return self._clock() if sent is None else sent[0]

    async def acquire(self) -> float:
        """Wait until one more send keeps every window within the limit; record it."""
        if self._lock is None:  # created lazily, inside the running event loop
            # fast_acquire: an uncontended lock costs no trip through the event loop.
            self._lock = anyio.Lock(fast_acquire=True)
        waited = 0.0
        async with self._lock:
            if not self._learned:
                if self._first_answer is None:
                    self._first_answer = anyio.Event()
                if self._probe_out:
                    started = self._clock()
                    await self._first_answer.wait()
                    waited += self._clock() - started
                self._probe_out = True
            while True:
                now = self._clock()
                delay = self._wait_needed(now)
                if delay <= 0:
                    self._sent.append(now)
                    self._sent_at.set((now, False, current_operation.get()))
                    return waited
                await self._sleep(delay)
                waited += delay

    def release(self) -> None:
        """Measure the round trip (a send counts against the window whatever its
        outcome); a send held back far longer than the others is re-dated.

        The server counts a request when it reaches its counter, which may be well
        after the send: a queue in the client's own event loop, in the network, in front
        of the server. A delay that many requests share widens the margin through the
        round trips' spread (and the headroom absorbs what it misses, statistically). A
        few requests held back at one moment, say the end of a burst, do not move the
        spread much; the log would let the next window's sends go while the server still
        counts them. So a send whose round trip exceeds the fastest recent one of its
        operation by more than the margin, when fewer than a fifth of recent ones do, is
        dated by what it waited beyond that fastest one, as if all of it had been spent
        before the counter: the log then ages it out no sooner than the configured
        margin after the server does.
        """
        self._answered()
        sent = self._sent_at.get()
        if sent is None or sent[1]:
            return
        sent_at, _answered, operation = sent
        now = self._clock()
        rtt = now - sent_at
        window = self._round_trips.add(rtt)
        if window >= self._window or now >= self._held_until:
            self._window = window
        fastest = self._fastest.add(operation, rtt)
        # When the server counted it, had all of the wait beyond the fastest round trip
        # come before its counter (the safe guess: the log then never ages it out early).
        counted = now - fastest
        margin = self._window - self.rate.per_seconds
        if rtt - fastest > margin and self._fastest.rarely_over(
            operation, fastest + margin, _RARE_DELAY_SHARE
        ):
            # The log expires an entry a window (HubSpot's plus the margin) after its
            # date; the margin may not shrink until this entry has expired.
            dated = counted - margin + self.rate.margin
            self._redate(sent_at, dated)
            self._held_until = max(self._held_until, dated + self._window)
            self._sent_at.set((counted, True, operation))  # feedback: when it was counted
        else:
            self._sent_at.set((sent_at, True, operation))  # feedback: when this request went

    def _redate(self, old: float, new: float) -> None:
        """Move one logged send from ``old`` to ``new`` (later), keeping the logs sorted."""
        for log_ in (self._sent, self._gone):
            i = bisect_left(log_, old)
            if i < len(log_) and log_[i] == old:
                del log_[i]
                back_in_window = log_ is self._gone and new > self._clock() - self._window
                if back_in_window and len(self._sent) < self._limit:
                    insort(self._sent, new)
                else:
                    insort(log_, new)
                return

    def _answered(self) -> None:
        if not self._learned:
            self._learned = True
            if self._first_answer is not None:
                self._first_answer.set()

    def _seed_from(self, info: RateLimitInfo, explained: int) -> None:
        """When the server counted more sends than this limiter can account for, enter
        the difference as sends made now (another process spent part of the budget, or
        the server counted some of our sends late).

        The server counted when it stamped the request, at some moment between its send
        and its answer, so its count is compared with the most of our sends its window
        can have held then (:meth:`_ours_counted`). More than that means sends from
        elsewhere, or stamps lagging unevenly (an older send counted late): either way
        the server's window holds what ours does not. (Compared with the log as it is
        when the answer arrives, every answer that crossed a window's edge looked like
        foreign sends, since sends the server counted had left our window by then; the
        phantoms entered for them idled the client for a whole window.) ``explained`` is
        that most, and ``info`` carries the server's ``max`` and ``remaining``.
        """
        assert info.remaining is not None
        now = self._clock()
        server_window = info.interval or self.rate.per_seconds
        unseen = (self._limit - explained) - info.remaining
        if unseen > 0:
            log.info("the server has room for %d fewer sends than this limiter: waiting", unseen)
            # They age out of the server's window (its interval), not of ours: dated so,
            # in order (the log stays sorted; rare enough to sort).
            dated = now - max(0.0, self._window - server_window)
            sent = self._sent
            merged = sorted([*sent, *([dated] * unseen)])
            sent.clear()
            sent.extend(merged)

    def pause_until(self, deadline: float) -> None:
        """Hold every request until ``deadline`` (monotonic seconds); never shortens."""
        if deadline > self._paused_until:
            self._paused_until = deadline

    def _log_covers_server_window(self, info: RateLimitInfo, explained: int) -> bool:
        """True when every send the server counted (``explained`` of ours, as in
        :meth:`_seed_from`) is one of ours, and the log stops at the server's limit:
        the log then waits for exactly the expiry the server does, and a blanket pause
        of a whole interval would only idle the client."""
        if info.max is None or info.retry_after is not None or self._limit > info.max:
            return False
        return explained >= info.max

    def feedback(self, info: RateLimitInfo) -> None:
        """Pause on a rolling-window 429 or when the server's window has nothing left
        (unless this limiter's own log already accounts for that whole window); enter
        sends the server counts and the log does not."""
        # What the server counted is compared with our log once per answer, and only
        # when the answer says how full the server's window is.
        explained: int | None = None
        if info.max is not None and info.remaining is not None and not info.rate_limited:
            explained = self._ours_counted(info.interval or self.rate.per_seconds)
        covered = (
            explained is not None
            and info.remaining == 0
            and self._log_covers_server_window(info, explained)
        )
        if explained is not None:
            self._seed_from(info, explained)
        self._answered()
        if covered:
            return
        pause = info.pause_for
        if pause is None and (info.rate_limited or info.remaining == 0):
            pause = self.rate.per_seconds  # no hint at all: sit out one whole window
        if pause:
            log.warning(
                "rate limit feedback (429=%s, remaining=%s): pausing all requests for %.2fs",
                info.rate_limited,
                info.remaining,
                pause,
            )
            self.pause_until(self._clock() + pause)


class SteadyLimiter(SlidingWindowLimiter):
    """A :class:`Limiter` that meters requests out evenly rather than in bursts.

    It is aiolimiter's leaky bucket, sized to be exact by itself: a bucket that holds
    ``burst`` and drains at ``(N - burst) / W`` admits at most ``burst + (N - burst)
    = N`` requests in any window of ``W`` seconds (a plain ``AsyncLimiter(N, W)``
    holds N *and* drains at N/W, so it admits up to 2N). The price is the opening
    burst: a short job finishes sooner under :class:`SlidingWindowLimiter`, which may
    spend the whole window's quota at once. Choose this one when a job shares the
    app's quota with live traffic (a web app's own calls) and must leave it room at
    every moment. The pause gate and header feedback are the same as the default's.
    It reads the event loop's clock, so it takes no injected clock.

    >>> limiter = SteadyLimiter(RateLimit.tier("professional"), burst=5)
    """

    def __init__(self, rate: RateLimit | None = None, *, burst: int = 1) -> None:
        super().__init__(rate)
        if not 1 <= burst <= max(1, self._limit - 1):
            raise errors.ValidationError(
                "burst", f"must be between 1 and {max(1, self._limit - 1)} (the limit less one)"
            )
        self._burst = burst
        self._bucket: AsyncLimiter | None = None

    def __repr__(self) -> str:
        return f"SteadyLimiter({self._limit} per {self._window:g}s, burst {self._burst})"

    async def acquire(self) -> float:
        """Wait out any pause, then for room in the bucket."""
        if self._bucket is None:  # aiolimiter binds to the running loop: create it here
            drain = max(self._limit - self._burst, 1)
            self._bucket = AsyncLimiter(self._burst, self._window * self._burst / drain)
        started = self._clock()
        while (pause := self._paused_until - self._clock()) > 0:
            await self._sleep(pause)
        await self._bucket.acquire()
        return self._clock() - started
