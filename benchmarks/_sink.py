"""A bare page source and sink for the million-page memory runs (scenario 5).

The emulator keeps every page in memory (about 15 kB each for a realistic page, plus
drafts and revisions): a million of them would not fit in this machine's RAM, and seeding
them would take longer than the run. Scenario 5 measures the *client's* memory, so its
server only has to speak the two endpoints involved, with O(1) memory:

- ``GET /cms/v3/pages/site-pages?limit&after``: ``--pages`` pages, cut from a pool of
  pre-encoded realistic pages with a unique id spliced into each;
- ``POST /cms/v3/pages/site-pages/batch/create``: echoes each input with server fields
  (id, created, updated) added, in input order, and keeps nothing.

``python -m benchmarks._sink --port 0 --pages N`` prints ``listening on http://HOST:PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
import socket
from datetime import UTC, datetime
from typing import Final

import msgspec
from aiohttp import web

from ._emulator_proc import EmulatorOptions, EmulatorProcess
from ._inputs import canned_list_body

__all__ = ["SinkProcess", "build_app"]

_PATH: Final = "/cms/v3/pages/site-pages"


class _Inputs(msgspec.Struct):
    inputs: list[msgspec.Raw]


class _Listing(msgspec.Struct):
    results: list[msgspec.Raw]


def _pool() -> list[bytes]:
    """Encoded response pages without their leading ``{"id":"...",``."""
    pages = msgspec.json.decode(canned_list_body(), type=_Listing).results
    # Each encoded page starts with '{"id":"<digits>",'; keep what follows the id.
    return [bytes(raw)[bytes(raw).index(b",") + 1 :] for raw in pages]


def build_app(total: int) -> web.Application:
    """The two routes described in the module docstring."""
    pool = _pool()
    inputs_decoder = msgspec.json.Decoder(_Inputs)
    next_id = itertools.count(1)

    async def list_pages(request: web.Request) -> web.Response:
        limit = max(1, min(int(request.query.get("limit", "10")), 100))
        start = int(request.query.get("after", "0"))
        end = min(start + limit, total)
        items = b",".join(b'{"id":"%d",' % i + pool[i % len(pool)] for i in range(start, end))
        paging = b',"paging":{"next":{"after":"%d"}}' % end if end < total else b""
        body = b'{"total":%d,"results":[%b]%b}' % (total, items, paging)
        return web.Response(body=body, content_type="application/json")

    async def batch_create(request: web.Request) -> web.Response:
        inputs = inputs_decoder.decode(await request.read()).inputs
        now = datetime.now(UTC).isoformat().encode()
        head = b'{"id":"%d","created":"%b","updated":"%b",'
        results = b",".join(head % (next(next_id), now, now) + bytes(raw)[1:] for raw in inputs)
        body = b'{"status":"COMPLETE","results":[%b],"startedAt":"%b","completedAt":"%b"}' % (
            results,
            now,
            now,
        )
        return web.Response(status=201, body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get(_PATH, list_pages)
    app.router.add_post(_PATH + "/batch/create", batch_create)
    return app


async def _serve(port: int, total: int) -> None:
    runner = web.AppRunner(build_app(total), access_log=None)
    await runner.setup()
    # Bind first (loopback only) so the chosen port is known before announcing it.
    sock = socket.create_server(("127.0.0.1", port))
    await web.SockSite(runner, sock).start()
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


class SinkProcess(EmulatorProcess):
    """The sink server in its own process, managed like the emulator."""

    module = "benchmarks._sink"

    def __init__(self, pages: int) -> None:
        super().__init__(EmulatorOptions())
        self.pages = pages

    def argv(self) -> list[str]:
        """``--port 0 --pages N``."""
        return ["--port", "0", "--pages", str(self.pages)]


def main() -> None:
    """Command-line entry: serve until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks._sink")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--pages", type=int, default=0, help="pages the list endpoint serves")
    args = parser.parse_args()
    asyncio.run(_serve(args.port, args.pages))


if __name__ == "__main__":
    main()
