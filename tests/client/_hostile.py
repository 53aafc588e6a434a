"""A tiny aiohttp server on 127.0.0.1 that answers whatever a test tells it to.

For answers the emulator would never give (a gzip bomb, ``Retry-After: 99999``, an
empty 200): the client still talks to it over a real socket, nothing is patched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.test_utils import TestServer

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Hostile:
    """The running server: its URL and every request it received (method, path)."""

    url: str
    seen: list[tuple[str, str]] = field(default_factory=list)


@asynccontextmanager
async def hostile_server(handler: Handler) -> AsyncIterator[Hostile]:
    """Serve ``handler`` for every method and path on an ephemeral loopback port."""
    state = Hostile(url="")

    async def record(request: web.Request) -> web.StreamResponse:
        state.seen.append((request.method, request.path))
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    async with TestServer(app, host="127.0.0.1") as server:
        state.url = str(server.make_url("")).rstrip("/")
        yield state
