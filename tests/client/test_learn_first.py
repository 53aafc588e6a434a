"""A client started just after another on the same token learns what is left first.

Its limiter lets one request out, reads ``X-HubSpot-RateLimit-Max``/``-Remaining`` from
the answer and enters the sends it did not make, before the rest of its burst goes.
"""

from __future__ import annotations

import anyio
import pytest

from hubpages_async import HubPages, RateLimit, SlidingWindowLimiter
from hubpages_async.emulator import Emulator

from ._support import FAKE_TOKEN

pytestmark = pytest.mark.timeout(60)

RATE = RateLimit(requests=20, per_seconds=2.0)


async def _burst(emu: Emulator, n: int, limiter: SlidingWindowLimiter | None = None) -> int:
    """``n`` concurrent reads from a fresh client; returns its 429 count."""
    kwargs = {"limiter": limiter} if limiter is not None else {"rate_limit": RATE}
    async with HubPages(FAKE_TOKEN, base_url=emu.url, max_concurrency=20, **kwargs) as hs:
        async with anyio.create_task_group() as tg:
            for _ in range(n):
                tg.start_soon(hs.site_pages.list(limit=1).first)
        return hs.stats.rate_limited_429


async def test_second_process_seeds_its_window_from_the_first_answer() -> None:
    async with Emulator(rate_limit="20/2s", daily_limit=None) as emu:
        assert await _burst(emu, 15) == 0
        assert await _burst(emu, 20) == 0  # learns 15 are spent, sends 4, waits
        assert all(r.status == 200 for r in emu.request_log)


async def test_without_learning_the_second_burst_draws_429s() -> None:
    async with Emulator(rate_limit="20/2s", daily_limit=None) as emu:
        assert await _burst(emu, 15) == 0
        assert await _burst(emu, 20, SlidingWindowLimiter(RATE)) > 0


async def test_a_full_window_costs_the_newcomer_one_429_at_most() -> None:
    async with Emulator(rate_limit="20/2s", daily_limit=None) as emu:
        assert await _burst(emu, 20, SlidingWindowLimiter(RateLimit(20, 2.0, headroom=0))) == 0
        assert await _burst(emu, 20) <= 1  # only the probe can meet the full window
