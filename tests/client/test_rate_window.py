"""Rate-window compliance under 200 concurrent calls, proven from the emulator's own
record of when each request arrived (``time.monotonic()`` at admission)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from hubpages_async import (
    HubPages,
    RateLimit,
    RetryPolicy,
    SlidingWindowLimiter,
    SteadyLimiter,
    errors,
)

from ._support import FAKE_TOKEN


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def fan_out(clients: list[HubPages], calls: int) -> None:
    async with anyio.create_task_group() as tg:
        for i in range(calls):
            tg.start_soon(clients[i % len(clients)].site_pages.list(limit=1).first)


@pytest.mark.parametrize(
    "emulator_kwargs", [{"rate_limit": "100/1s", "daily_limit": None}], ids=["100-per-1s"]
)
async def test_200_concurrent_calls_never_exceed_the_window(emulator: Any) -> None:
    # HubSpot's window is 10 s; a 1 s window keeps the test short, the rule is the same.
    # The margin absorbs the delay between taking a slot and the server admitting the
    # request; half a second covers a loaded test machine (client and emulator share it).
    rate = RateLimit(requests=100, per_seconds=1.0, margin=0.5)
    async with HubPages(
        FAKE_TOKEN, base_url=emulator.url, rate_limit=rate, max_concurrency=200
    ) as hs:
        await fan_out([hs], 200)
        assert hs.stats.rate_limited_429 == 0
        assert hs.stats.retries == 0
        assert hs.stats.throttle_waits > 0  # the limiter, not luck, kept us inside
    times = [r.time for r in emulator.request_log]
    assert len(times) == 200
    assert all(r.status == 200 for r in emulator.request_log)
    assert max_in_window(times, 1.0) <= 100


@pytest.mark.parametrize(
    "emulator_kwargs", [{"rate_limit": "100/1s", "daily_limit": None}], ids=["100-per-1s"]
)
async def test_steady_limiter_meters_200_concurrent_calls_within_the_window(
    emulator: Any,
) -> None:
    # The aiolimiter-based alternative: exact on its own, and no burst beyond ``burst``.
    limiter = SteadyLimiter(RateLimit(requests=100, per_seconds=1.0, margin=0.5), burst=10)
    async with HubPages(
        FAKE_TOKEN, base_url=emulator.url, limiter=limiter, max_concurrency=200
    ) as hs:
        await fan_out([hs], 200)
        assert hs.stats.rate_limited_429 == 0
        assert hs.stats.retries == 0
    times = sorted(r.time for r in emulator.request_log)
    assert len(times) == 200
    assert max_in_window(times, 1.0) <= 100
    # Metered, not bursty: well under the limit lands in any tenth of a second.
    assert max_in_window(times, 0.1) <= 30


@pytest.mark.parametrize(
    "emulator_kwargs", [{"rate_limit": "100/1s", "daily_limit": None}], ids=["100-per-1s"]
)
async def test_two_clients_sharing_one_limiter_stay_within_one_window(emulator: Any) -> None:
    # The token's quota is shared by every client using it: pass them one limiter.
    shared = SlidingWindowLimiter(RateLimit(requests=100, per_seconds=1.0, margin=0.5))
    async with (
        HubPages(FAKE_TOKEN, base_url=emulator.url, limiter=shared, max_concurrency=100) as a,
        HubPages(FAKE_TOKEN, base_url=emulator.url, limiter=shared, max_concurrency=100) as b,
    ):
        await fan_out([a, b], 200)
        assert a.stats.rate_limited_429 + b.stats.rate_limited_429 == 0
    assert len(emulator.request_log) == 200
    assert max_in_window([r.time for r in emulator.request_log], 1.0) <= 100


@pytest.mark.parametrize(
    "emulator_kwargs", [{"rate_limit": "100/1s", "daily_limit": None}], ids=["100-per-1s"]
)
async def test_control_the_emulator_does_catch_a_too_generous_limiter(emulator: Any) -> None:
    # Without a correct limiter the same burst is refused: the proof above is not vacuous.
    # (A plain one: the client's default would learn the real limit from its first answer.)
    async with HubPages(
        FAKE_TOKEN,
        base_url=emulator.url,
        limiter=SlidingWindowLimiter(RateLimit(requests=1000, per_seconds=1.0)),
        retry=RetryPolicy.none(),
        max_concurrency=200,
    ) as hs:
        with pytest.raises(ExceptionGroup) as info:
            await fan_out([hs], 150)
        assert info.group_contains(errors.RateLimitError)
        assert hs.stats.rate_limited_429 > 0
