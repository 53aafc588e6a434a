"""The rate window counts a request when it arrives, not when the store gets to it.

HubSpot counts at its edge. The emulator's handlers run on one store thread, so a slow
handler (a 100-page batch create costs tens of milliseconds) must not hold back the
stamping of the requests that arrive meanwhile: a client pacing its sends exactly would
otherwise see two windows' worth of them counted in one.
"""

from __future__ import annotations

import asyncio
import threading
import time

import anyio
import pytest

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.store import Portal

from ._emu_support import Api

_HOLD_S = 5.0


async def test_a_request_is_counted_on_arrival_while_a_slow_one_holds_the_store(
    api: Api, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    timed_out: list[bool] = []
    portal = emu.store.portal

    def slow_first_portal(portal_id: int) -> Portal:
        # The first request's handler holds the store until the test lets it go; on
        # the event loop (the old way) it would hold every arrival until the timeout.
        if not entered.is_set():
            entered.set()
            timed_out.append(not release.wait(_HOLD_S))
        return portal(portal_id)

    monkeypatch.setattr(emu.store, "portal", slow_first_portal)
    first = asyncio.create_task(api.call("GET", "site-pages"))
    assert await anyio.to_thread.run_sync(entered.wait, _HOLD_S)
    second = asyncio.create_task(api.call("GET", "site-pages"))
    deadline = time.monotonic() + _HOLD_S
    while len(emu.request_log) < 2 and time.monotonic() < deadline:  # noqa: ASYNC110 - no event
        await asyncio.sleep(0.01)
    counted_while_held = len(emu.request_log) == 2 and not (release.is_set() or timed_out)
    release.set()
    replies = await asyncio.gather(first, second)
    assert counted_while_held
    assert timed_out == [False]
    assert [r.status for r in replies] == [200, 200]
    # The second was stamped before the first's handler was done, in arrival order.
    assert emu.request_log[0].time <= emu.request_log[1].time
