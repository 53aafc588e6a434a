"""A scripted fault proxy: sits between a client and the emulator on 127.0.0.1 and does
to each request exactly what the test's script says.

The emulator's own ``faults=`` draws faults at random (deterministic under a seed), which
is right for soak tests; the regression tests of the bulk layer need "the second batch
create is answered 503" or "every batch-create answer is lost after the server committed
it", so the proxy takes a function ``(n, method, path) -> Action`` instead, where ``n``
counts the requests to that method and path from 1.

Actions:

- ``"pass"``: forward and relay the answer;
- ``"503"`` / ``"429"``: answer that status without forwarding (the server never saw it);
- ``"reset"``: close the connection without forwarding;
- ``"drop"``: forward (the server commits), then close the connection unanswered;
- ``"empty200"``: forward, then answer 200 with an empty body;
- ``"empty200-unsent"``: answer 200 with an empty body without forwarding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Literal

import aiohttp
from aiohttp import web

__all__ = ["Action", "FaultProxy", "Script"]

Action = Literal["pass", "503", "429", "reset", "drop", "empty200", "empty200-unsent"]
Script = Callable[[int, str, str], Action]

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}
)


class _Closed(web.HTTPException):
    """Raised after the transport is closed, so aiohttp writes nothing more."""

    status_code = 500


class FaultProxy:
    """``async with FaultProxy(upstream_url, script) as proxy:`` then point a client at
    ``proxy.url``. ``proxy.seen`` counts requests per ``(method, path)``, ``proxy.actions``
    lists what was done to each, in order."""

    def __init__(self, upstream: str, script: Script) -> None:
        self.upstream = upstream.rstrip("/")
        self.script = script
        self.seen: Counter[tuple[str, str]] = Counter()
        self.actions: list[tuple[str, str, Action]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> FaultProxy:
        self._session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def count(self, action: Action, path_part: str = "") -> int:
        """How many requests (whose path contains ``path_part``) got ``action``."""
        return sum(1 for _m, p, a in self.actions if a == action and path_part in p)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        key = (request.method, request.path)
        self.seen[key] += 1
        action = self.script(self.seen[key], request.method, request.path)
        self.actions.append((request.method, request.path, action))
        body = await request.read()
        if action in ("503", "429"):
            return web.json_response(
                {"status": "error", "category": "INJECTED", "message": f"proxy {action}"},
                status=int(action),
            )
        if action == "reset":
            self._close(request)
        if action == "empty200-unsent":
            return web.Response(status=200, body=b"")
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        async with self._session.request(
            request.method, self.upstream + request.path_qs, data=body, headers=headers
        ) as upstream:
            payload = await upstream.read()
            status = upstream.status
            answer_headers = {
                k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP
            }
        if action == "drop":
            self._close(request)
        if action == "empty200":
            return web.Response(status=200, body=b"")
        return web.Response(status=status, body=payload, headers=answer_headers)

    @staticmethod
    def _close(request: web.Request) -> None:
        transport = request.transport
        if transport is not None:
            transport.close()
        raise _Closed


def on(path_part: str, action: Action, *, numbers: set[int] | None = None) -> Script:
    """A script: ``action`` for requests whose path contains ``path_part`` (only their
    ``numbers``-th ones, counted per method and path, when given); everything else passes."""

    def script(n: int, _method: str, path: str) -> Action:
        if path_part in path and (numbers is None or n in numbers):
            return action
        return "pass"

    return script
