"""The in-process limiter against a server whose counter lags its arrivals.

The emulator's ``stamp_lag`` makes every request wait a random 0 to 1 s before the
rolling window counts it, as a queue in front of HubSpot's counter would. A client that
trusts its own send times then lands some of one window's sends in the next window of
the server's; this one must hold on its own, from what the answers tell it.
"""

from __future__ import annotations

import math
import time

import anyio
import pytest

from hubpages_async import HubPages, RateLimit
from hubpages_async.emulator import Emulator
from hubpages_async.emulator.limits import busiest_window

from ._support import FAKE_TOKEN

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
        async with HubPages(
            FAKE_TOKEN,
            base_url=emu.url,
            rate_limit=RateLimit.tier("professional"),
            max_concurrency=64,
        ) as hs:
            page_id = str(emu.store.pages("site-pages")[0].id)
            started = time.monotonic()
            async with anyio.create_task_group() as tg:
                for _ in range(REQUESTS):
                    tg.start_soon(hs.site_pages.get, page_id)
            elapsed = time.monotonic() - started
            stats = hs.stats
        attempts = emu.app.limiter.attempts
        assert attempts is not None
    assert stats.rate_limited_429 == 0
    assert not [a for a in attempts if not a.admitted]
    assert busiest_window([a.time for a in attempts], WINDOW) <= LIMIT
    # The limit lets the first 190 go at once, then 190 more every 10 s: the last of 1,000
    # can go at 50 s; it then waits up to 1 s in the server's queue.
    forced = (math.ceil(REQUESTS / LIMIT) - 1) * WINDOW + 1.0
    assert elapsed <= 1.05 * forced, (elapsed, forced)
