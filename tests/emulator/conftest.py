"""Fixtures of the emulator's own tests: a running emulator and a plain aiohttp caller.

These tests talk to the real server over 127.0.0.1 with plain aiohttp requests: they do
not depend on the hubpages client, so they pin down the wire behaviour itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from hubpages_async.emulator import Emulator

from ._emu_support import Api

MakeApi = Callable[..., Awaitable[Api]]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """One client session per test, always closed."""
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator without rate limits (tests of the limits start their own)."""
    async with Emulator(rate_limit=None, daily_limit=None) as e:
        yield e


@pytest.fixture
def api(emu: Emulator, session: aiohttp.ClientSession) -> Api:
    """A caller for ``emu`` with an accepted token."""
    return Api(session, emu.url)


@pytest.fixture
async def make_api(session: aiohttp.ClientSession) -> AsyncIterator[MakeApi]:
    """``await make_api(**Emulator kwargs)`` -> an Api bound to a fresh emulator."""
    started: list[Emulator] = []

    async def make(**kwargs: Any) -> Api:
        e = Emulator(**kwargs)
        await e.start()
        started.append(e)
        return Api(session, e.url, emulator=e)

    try:
        yield make
    finally:
        for e in started:
            await e.close()
