"""RedisLimiter against a real redis-server: exact windows, skewed clocks, one pause,
the daily budget, its keys, a cold start, and an unreachable server.

Several limiter instances in one process stand for several processes here (each has
its own connection pool and local state); ``test_processes`` runs real processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import pytest
import redis.asyncio as aioredis

from hubpages_async import RateLimit, RateLimitInfo, errors
from hubpages_async.emulator.limits import busiest_window
from hubpages_async.limiters import RedisLimiter

from .conftest import RedisServer

pytestmark = pytest.mark.timeout(60)

TOKEN = "pat-na1-11111111-2222-3333-4444-REDISTOKENSECRET"
RATE = RateLimit(requests=20, per_seconds=0.5, headroom=0.0, margin=0.0)


def _skewed(offset: float) -> Callable[[], float]:
    return lambda: time.monotonic() + offset


async def _keys(client: aioredis.Redis) -> list[str]:
    return [k.decode() if isinstance(k, bytes) else str(k) for k in await client.keys("*")]


async def _warm(limiter: RedisLimiter) -> None:
    """Get past the cold-start probe: one admission and the server's (empty) count."""
    await limiter.acquire()
    limiter.feedback(RateLimitInfo(max=RATE.requests, remaining=RATE.requests - 1))
    await limiter.aclose()  # waits for the sync broadcast


async def test_limiters_with_skewed_clocks_share_one_exact_window(
    redis_server: RedisServer,
) -> None:
    # The default 0.1 s margin absorbs late wake-ups of a loaded event loop.
    rate = RateLimit(requests=20, per_seconds=0.5, headroom=0.0, margin=0.1)
    await _warm(RedisLimiter(redis_server.url, token=TOKEN, rate=rate))
    limiters = [RedisLimiter(redis_server.url, token=TOKEN, rate=rate) for _ in range(3)]
    # Local clocks an hour apart: admission is timed by Redis alone.
    for i, limiter in enumerate(limiters):
        limiter._clock = _skewed(3600.0 * (i - 1))
    sent: list[float] = []

    async def worker(limiter: RedisLimiter) -> None:
        for _ in range(20):
            await limiter.acquire()
            sent.append(time.monotonic())

    async with anyio.create_task_group() as tg:
        for limiter in limiters:
            for _ in range(4):
                tg.start_soon(worker, limiter)
    for limiter in limiters:
        await limiter.aclose()
    assert len(sent) == 240
    assert busiest_window(sent, rate.per_seconds) <= rate.requests
    # Not over-cautious either: 240 sends (plus the warm-up) need 11 windows after the first.
    assert max(sent) - min(sent) < 12 * rate.effective_window


async def test_each_process_gets_its_share(redis_server: RedisServer) -> None:
    rate = RateLimit(requests=40, per_seconds=0.5, headroom=0.0, margin=0.0)
    await _warm(RedisLimiter(redis_server.url, token=TOKEN, rate=rate))
    limiters = [RedisLimiter(redis_server.url, token=TOKEN, rate=rate) for _ in range(4)]
    counts = [0] * 4
    started = time.monotonic()

    async def busy(i: int) -> None:
        while True:
            await limiters[i].acquire()
            if time.monotonic() - started > 0.5:  # once every pool is connected
                counts[i] += 1

    with anyio.move_on_after(4.5):
        async with anyio.create_task_group() as tg:
            for i in range(4):
                for _ in range(3):
                    tg.start_soon(busy, i)
    for limiter in limiters:
        await limiter.aclose()
    total = sum(counts)
    assert total >= 250
    assert all(abs(c / total - 0.25) <= 0.025 for c in counts), counts


async def test_a_429_seen_by_one_pauses_every_process(redis_server: RedisServer) -> None:
    await _warm(RedisLimiter(redis_server.url, token=TOKEN, rate=RATE))
    one = RedisLimiter(redis_server.url, token=TOKEN, rate=RATE)
    other = RedisLimiter(redis_server.url, token=TOKEN, rate=RATE)
    await one.acquire()
    one.feedback(RateLimitInfo(retry_after=1.0, rate_limited=True, max=20, remaining=0))
    await one.aclose()  # the pause is in Redis now, and expires by itself
    client = aioredis.Redis.from_url(redis_server.url)
    pause_keys = [k for k in await _keys(client) if k.endswith(":pause")]
    assert len(pause_keys) == 1
    assert 0 < await client.pttl(pause_keys[0]) <= 1000
    await client.aclose()
    started = time.monotonic()
    await other.acquire()
    waited = time.monotonic() - started
    await other.aclose()
    assert 0.8 <= waited <= 1.5


async def test_keys_are_namespaced_by_a_token_hash_and_expire(redis_server: RedisServer) -> None:
    limiter = RedisLimiter(redis_server.url, token=TOKEN, rate=RATE, daily_limit=1000)
    await _warm(limiter)
    client = aioredis.Redis.from_url(redis_server.url)
    keys = await _keys(client)
    assert keys
    for key in keys:
        assert "REDISTOKENSECRET" not in key
        assert key.startswith("hubpages:")
        assert await client.pttl(key) > 0, key  # nothing lives forever
    await client.aclose()


async def test_the_daily_budget_is_counted_in_redis(redis_server: RedisServer) -> None:
    def make() -> RedisLimiter:
        return RedisLimiter(
            redis_server.url, token=TOKEN, rate=RATE, daily_limit=5, account="portal-1"
        )

    first, second = make(), make()
    assert await first.daily_remaining() == 5
    await _warm(first)
    first = make()
    for _ in range(2):
        await first.acquire()
    assert await second.daily_remaining() == 2  # another process sees what is left
    await second.acquire()
    await second.acquire()
    with pytest.raises(errors.RateLimitError) as caught:
        await first.acquire()
    assert caught.value.is_daily
    await first.aclose()
    await second.aclose()


async def test_a_cold_redis_asks_the_server_what_it_already_counts(
    redis_server: RedisServer,
) -> None:
    """After a restart Redis knows nothing of earlier sends: one probe goes out, and its
    answer (Remaining 3 of 20: 17 counted) fills the gap before anyone else sends."""
    a = RedisLimiter(redis_server.url, token=TOKEN, rate=RATE)
    b = RedisLimiter(redis_server.url, token=TOKEN, rate=RATE)
    await a.acquire()  # the probe
    sent: list[float] = []

    async def more() -> None:
        await b.acquire()
        sent.append(time.monotonic())

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(more)
        await anyio.sleep(0.2)
        assert sent == []  # everyone waits for the probe's answer
        answered = time.monotonic()
        a.feedback(RateLimitInfo(max=20, remaining=3))
    await a.aclose()
    await b.aclose()
    # 3 right away, a 4th when the probe ages out (0.2 s before the answer plus 0.5 s),
    # the 5th only once the 17 entered as sent at the answer have aged out.
    after = sorted(t - answered for t in sent)
    assert len(after) == 5
    assert all(t < 0.15 for t in after[:3]), after
    assert 0.2 <= after[3] < 0.45, after
    assert after[4] >= 0.45, after


async def test_unreachable_redis_is_a_clear_error(tmp_path: object) -> None:
    limiter = RedisLimiter("redis://127.0.0.1:1/0", token=TOKEN, rate=RATE, socket_timeout=0.5)
    with pytest.raises(errors.LimiterUnavailableError, match="unreachable"):
        await limiter.check()
    with pytest.raises(errors.LimiterUnavailableError, match="nothing was sent"):
        await limiter.acquire()
    await limiter.aclose()
    assert "REDISTOKENSECRET" not in repr(limiter)


def test_bad_options_are_refused_by_name() -> None:
    with pytest.raises(errors.ValidationError, match="token"):
        RedisLimiter("redis://x", token="")
    with pytest.raises(errors.ValidationError, match="on_redis_error"):
        RedisLimiter("redis://x", token=TOKEN, on_redis_error="retry")  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="fallback_share"):
        RedisLimiter("redis://x", token=TOKEN, fallback_share=0)
