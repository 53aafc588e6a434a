"""Fixtures shared by every test directory.

``fake_time`` drives the client's time-dependent logic (rate windows, pauses) without
waiting; the emulator fixtures start the real HubSpot stand-in on 127.0.0.1, port 0.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from client._support import FAKE_TOKEN, FAST_RETRY, FakeTime

from hubpages_async import HubPages, RateLimit, SlidingWindowLimiter


@pytest.fixture
def fake_time() -> FakeTime:
    """A fresh virtual clock."""
    return FakeTime()


@pytest.fixture
def anyio_backend() -> str:
    # aiohttp and aiolimiter are asyncio-only: the library does not claim trio support.
    return "asyncio"


ClientFactory = Callable[..., AbstractAsyncContextManager[HubPages]]


@pytest.fixture
def emulator_kwargs() -> dict[str, Any]:
    """Emulator defaults for client tests: no rate limit unless a test asks for one."""
    return {"rate_limit": None, "daily_limit": None}


@pytest.fixture
async def emulator(emulator_kwargs: dict[str, Any]) -> AsyncIterator[Any]:
    """The HubSpot emulator on 127.0.0.1 (a random port)."""
    from hubpages_async.emulator import Emulator

    async with Emulator(host="127.0.0.1", port=0, **emulator_kwargs) as emu:
        yield emu


@pytest.fixture
def make_client(emulator: Any, fake_time: FakeTime) -> ClientFactory:
    """Build clients against ``emulator``: fast retries, and a rate limiter on the
    virtual clock (so a 429's 10-second pause costs no real time)."""

    @asynccontextmanager
    async def factory(**kwargs: Any) -> AsyncIterator[HubPages]:
        kwargs.setdefault("token", FAKE_TOKEN)
        kwargs.setdefault("base_url", emulator.url)
        kwargs.setdefault("retry", FAST_RETRY)
        if "limiter" not in kwargs and "rate_limit" not in kwargs:
            kwargs["limiter"] = SlidingWindowLimiter(
                RateLimit(requests=1000, per_seconds=10),
                clock=fake_time.clock,
                sleep=fake_time.sleep,
            )
        async with HubPages(**kwargs) as hs:
            yield hs

    return factory
