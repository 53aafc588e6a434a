"""pytest fixtures for testing code against the emulator (registered via ``pytest11``).

``hubspot_emulator`` yields a running :class:`Emulator` with defaults (any Bearer token,
100 requests / 10 s, no faults); ``emulator_factory`` starts emulators with any keyword
arguments and closes them all at teardown::

    async def test_my_sync(hubspot_emulator):
        ...  # point your client at hubspot_emulator.url

    async def test_flaky(emulator_factory):
        emu = await emulator_factory(faults="503=0.2", fault_seed=7, rate_limit=None)

Both are async fixtures run by anyio's pytest plugin (installed with anyio): use them
from tests marked ``@pytest.mark.anyio`` or with ``anyio_mode = "auto"``, on the asyncio
backend (aiohttp is asyncio-only). Assertions can read ``emu.store`` (pages, drafts,
revisions, folders per portal) and ``emu.request_log`` (every accepted request).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from .server import Emulator

__all__ = ["EmulatorFactory", "emulator_factory", "hubspot_emulator"]

EmulatorFactory = Callable[..., Awaitable[Emulator]]


@pytest.fixture
async def hubspot_emulator() -> AsyncIterator[Emulator]:
    """A running emulator on 127.0.0.1 (random port), closed after the test."""
    async with Emulator() as emu:
        yield emu


@pytest.fixture
async def emulator_factory() -> AsyncIterator[EmulatorFactory]:
    """``await emulator_factory(**Emulator kwargs)`` -> a started emulator."""
    started: list[Emulator] = []

    async def make(**kwargs: Any) -> Emulator:
        emu = Emulator(**kwargs)
        await emu.start()
        started.append(emu)
        return emu

    try:
        yield make
    finally:
        for emu in reversed(started):
            await emu.close()
