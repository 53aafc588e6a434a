"""Helpers shared by the client tests (the fixtures are in tests/conftest.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import anyio
import anyio.lowlevel

from hubpages_async import HubPages, RateLimit, RetryPolicy
from hubpages_async._core import ClientStats
from hubpages_async.emulator import Emulator
from hubpages_async.emulator.limits import Attempt

#: A token the tests use; it must never appear in logs or exception text.
FAKE_TOKEN = "pat-na1-11111111-2222-3333-4444-TESTTOKENSECRET"

#: Retries without real waiting: tiny backoff, HubSpot's 2 s lock delay shortened.
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.005, locked_delay=0.001)


class FakeTime:
    """A virtual monotonic clock; ``sleep`` advances it instead of waiting."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await anyio.lowlevel.checkpoint()  # still a checkpoint, like a real sleep


@dataclass(frozen=True)
class GetBurst:
    """What :func:`get_one_page_many_times` saw: the wall time, the client's stats and
    the emulator's own record of every counted or refused request."""

    elapsed: float
    stats: ClientStats
    attempts: list[Attempt]

    @property
    def refused(self) -> list[float]:
        return [a.time for a in self.attempts if not a.admitted]


async def get_one_page_many_times(
    emu: Emulator, rate: RateLimit, requests: int, *, concurrency: int
) -> GetBurst:
    """``requests`` concurrent GETs of the emulator's first site page through one client
    (the emulator must run with ``seed_pages`` and ``record_attempts``)."""
    async with HubPages(
        FAKE_TOKEN, base_url=emu.url, rate_limit=rate, max_concurrency=concurrency
    ) as hs:
        page_id = str(emu.store.pages("site-pages")[0].id)
        started = time.monotonic()
        async with anyio.create_task_group() as tg:
            for _ in range(requests):
                tg.start_soon(hs.site_pages.get, page_id)
        elapsed = time.monotonic() - started
        stats = hs.stats
    attempts = emu.app.limiter.attempts
    assert attempts is not None, "the emulator must run with record_attempts=True"
    return GetBurst(elapsed, stats, list(attempts))
