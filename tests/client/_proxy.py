"""A small HTTP forward proxy on 127.0.0.1, for the proxy tests.

It serves absolute-form requests (``GET http://127.0.0.1:PORT/path HTTP/1.1``, what a
client sends to a proxy for a plain-http target), forwards each one to its target with a
fresh aiohttp session that ignores the environment, and records what it saw.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

import aiohttp

#: Hop-by-hop headers: they describe one connection and are never forwarded.
_HOP = {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "upgrade"}
_HOP |= {"transfer-encoding", "content-length", "host"}


@dataclass
class Seen:
    """One request the proxy forwarded."""

    method: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)


class ForwardProxy:
    """``async with ForwardProxy() as proxy:`` -> ``proxy.url``, ``proxy.seen``."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.url = ""
        self._server: asyncio.Server | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(trust_env=False, auto_decompress=False)
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if self._session is not None:
            await self._session.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: one request after another on this connection
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
                method, target, _ = line.split(" ", 2)
                headers = dict(h.split(": ", 1) for h in lines if h)
                lowered = {k.lower(): v for k, v in headers.items()}
                body = await reader.readexactly(int(lowered.get("content-length", "0")))
                self.seen.append(Seen(method, target, lowered))
                await self._forward(writer, method, target, headers, body)
        finally:
            writer.close()
            await writer.wait_closed()

    async def _forward(
        self,
        writer: asyncio.StreamWriter,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        assert self._session is not None
        sent = {k: v for k, v in headers.items() if k.lower() not in _HOP}
        async with self._session.request(method, target, headers=sent, data=body) as resp:
            data = await resp.read()
            out = [f"HTTP/1.1 {resp.status} {resp.reason}"]
            out += [f"{k}: {v}" for k, v in resp.headers.items() if k.lower() not in _HOP]
            out += [f"Content-Length: {len(data)}", "", ""]
        writer.write("\r\n".join(out).encode("latin-1") + data)
        await writer.drain()
