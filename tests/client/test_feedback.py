"""Server feedback the client acts on: the rate-limit headers, and batch status links."""

from __future__ import annotations

from typing import Any

import aiohttp
import anyio
import pytest

from hubpages_async import HubPages, RateLimit, RetryPolicy, SlidingWindowLimiter, errors
from hubpages_async.models import BatchResponse, Page

from ._support import FAKE_TOKEN, FakeTime


@pytest.mark.parametrize("emulator_kwargs", [{"rate_limit": "5/1s", "daily_limit": None}])
async def test_remaining_zero_pauses_before_the_server_has_to_refuse(emulator: Any) -> None:
    # The client's own limiter is far too generous; only the server's
    # X-HubSpot-RateLimit-Remaining: 0 (and its interval header) holds it back.
    generous = RateLimit(requests=1000, per_seconds=1.0)
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, rate_limit=generous) as hs:
        for _ in range(8):
            await hs.site_pages.list(limit=1)
        assert hs.stats.rate_limited_429 == 0
        assert hs.stats.throttle_waits >= 1
    assert [r.status for r in emulator.request_log] == [200] * 8


@pytest.mark.parametrize("emulator_kwargs", [{"rate_limit": None, "async_batches": True}])
async def test_request_polls_an_absolute_batch_status_link(emulator: Any) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        pending = await hs.site_pages.batch_create(
            [Page(name="A", template_path="t/a.html", slug="a")]
        )
        assert not pending.is_terminal
        url = pending.poll_url
        assert url is not None
        assert url.startswith(emulator.url)
        statuses = []
        for _ in range(5):
            current = await hs.request("GET", url, response_type=BatchResponse[Page])
            statuses.append(current.status)
            if current.is_terminal:
                break
        assert statuses[-1] == "COMPLETE"
        assert current.results[0].slug == "a"


@pytest.mark.parametrize("emulator_kwargs", [{"rate_limit": "2/2500ms", "daily_limit": None}])
async def test_a_429_pauses_every_request_for_its_retry_after(
    emulator: Any, fake_time: FakeTime
) -> None:
    # Another client spends the window; ours meets the server's 429, whose Retry-After
    # (3 s, whole seconds) differs from the window header (2.5 s): the pause follows it.
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as other:
        await other.site_pages.list(limit=1)
        await other.site_pages.list(limit=1)
    limiter = SlidingWindowLimiter(
        RateLimit(1000, 10.0), clock=fake_time.clock, sleep=fake_time.sleep
    )
    async with HubPages(
        FAKE_TOKEN, base_url=emulator.url, limiter=limiter, retry=RetryPolicy.none()
    ) as hs:
        with pytest.raises(errors.RateLimitError) as info:
            await hs.site_pages.list(limit=1)
        assert info.value.retry_after == 3.0
        assert info.value.interval == 2.5
        assert fake_time.slept == []
        assert await limiter.acquire() == pytest.approx(3.0)


@pytest.mark.parametrize("emulator_kwargs", [{"rate_limit": "2/1500ms", "daily_limit": None}])
async def test_an_error_answer_with_nothing_remaining_pauses_too(
    emulator: Any, fake_time: FakeTime
) -> None:
    # HubSpot counts error answers against the window as well: a 404 that says
    # Remaining: 0 must hold the next request back like a 200 would.
    limiter = SlidingWindowLimiter(
        RateLimit(1000, 10.0), clock=fake_time.clock, sleep=fake_time.sleep
    )
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, limiter=limiter) as hs:
        for _ in range(2):
            with pytest.raises(errors.NotFoundError):
                await hs.site_pages.get("404404")
        assert fake_time.slept == []
        assert await limiter.acquire() == pytest.approx(1.5)


@pytest.mark.parametrize("emulator_kwargs", [{"rate_limit": None, "latency": 0.05}])
async def test_max_concurrency_caps_requests_in_flight(emulator: Any) -> None:
    in_flight = peak = 0

    async def started(*_: Any) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)

    async def ended(*_: Any) -> None:
        nonlocal in_flight
        in_flight -= 1

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(started)
    trace.on_request_end.append(ended)
    async with (
        HubPages(FAKE_TOKEN, base_url=emulator.url, max_concurrency=3, trace_configs=[trace]) as hs,
        anyio.create_task_group() as tg,
    ):
        for _ in range(12):
            tg.start_soon(hs.site_pages.list(limit=1).first)
    assert len(emulator.request_log) == 12
    assert peak == 3  # reached, never passed
