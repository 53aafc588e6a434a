"""An emulator process that records when each request arrived and when it was counted.

Run by ``benchmarks.stamp_lag`` as ``python -m benchmarks._traced_emulator OUT.json
LATENCY RATE``, from the directory of the tree under test, so that the same probe
measures an older emulator too. The probe wraps every route's handler (``EmulatorApp.wrap``, which
every tree has): its first line runs when the event loop starts the request, and the
emulator counts the request against its window right there. The client's send time
travels in the ``X-Trace-Sent`` header (``time.monotonic()``, one clock for every
process of the machine). On SIGTERM the pairs are written to ``OUT.json``.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from hubpages_async.emulator import Emulator
from hubpages_async.emulator import app as emulator_app

_Handle = Callable[[web.Request], Awaitable[web.StreamResponse]]
_pairs: list[tuple[float, float]] = []
_wrap = emulator_app.EmulatorApp.wrap


def _traced_wrap(self: Any, *args: Any) -> _Handle:
    handle: _Handle = _wrap(self, *args)

    async def traced(request: web.Request) -> web.StreamResponse:
        counted = time.monotonic()
        sent = request.headers.get("X-Trace-Sent")
        if sent is not None:
            _pairs.append((float(sent), counted))
        return await handle(request)

    return traced


async def _serve(latency: float, rate_limit: str) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    # freeze_gc as `python -m hubpages_async.emulator` has it: this process is the emulator's.
    async with Emulator(
        rate_limit=rate_limit, daily_limit=None, latency=latency, freeze_gc=True
    ) as emu:
        print(f"listening on {emu.url}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    emulator_app.EmulatorApp.wrap = _traced_wrap  # type: ignore[method-assign,assignment]
    asyncio.run(_serve(float(sys.argv[2]), sys.argv[3]))
    with open(sys.argv[1], "w") as f:
        json.dump(_pairs, f)
