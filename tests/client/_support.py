"""Helpers shared by the client tests (the fixtures are in tests/conftest.py)."""

from __future__ import annotations

import anyio
import anyio.lowlevel

from hubpages_async import RetryPolicy

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
