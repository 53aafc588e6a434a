"""The in-process limiter against a server whose counter lags its arrivals.

The emulator's ``stamp_lag`` makes every request wait a random 0 to 1 s before the
rolling window counts it, as a queue in front of HubSpot's counter would. A client that
trusts its own send times then lands some of one window's sends in the next window of
the server's; this one must hold on its own, from what the answers tell it.
"""

from __future__ import annotations

import math

import pytest

from hubpages_async import RateLimit
from hubpages_async.emulator import Emulator
from hubpages_async.emulator.limits import busiest_window

from ._support import get_one_page_many_times

LIMIT, WINDOW, REQUESTS = 190, 10.0, 1_000


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_a_thousand_requests_with_lagging_stamps_draw_no_429() -> None:
    async with Emulator(
        seed_pages=1,
        rate_limit=f"{LIMIT}/{WINDOW:g}s",
        daily_limit=None,
        stamp_lag=1.0,
        record_attempts=True,
    ) as emu:
        burst = await get_one_page_many_times(
            emu, RateLimit.tier("professional"), REQUESTS, concurrency=64
        )
    assert burst.stats.rate_limited_429 == 0
    assert burst.refused == []
    assert busiest_window([a.time for a in burst.attempts], WINDOW) <= LIMIT
    # The limit lets the first 190 go at once, then 190 more every 10 s: the last of 1,000
    # can go at 50 s; it then waits up to 1 s in the server's queue.
    forced = (math.ceil(REQUESTS / LIMIT) - 1) * WINDOW + 1.0
    assert burst.elapsed <= 1.05 * forced, (burst.elapsed, forced)
