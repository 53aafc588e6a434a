"""The aiohttp error table: which failures prove the request never left."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from hubpages_async import HubPages, RetryPolicy, errors
from hubpages_async._transport import translate
from hubpages_async.models import Page

from ._support import FAKE_TOKEN

KEY: Any = SimpleNamespace(host="api.hubapi.com", port=443, ssl=True, is_ssl=True)


@pytest.mark.parametrize(
    ("exc", "cls", "sent", "retryable"),
    [
        (aiohttp.ConnectionTimeoutError(), errors.APITimeoutError, False, True),
        (aiohttp.SocketTimeoutError(), errors.APITimeoutError, True, True),
        (aiohttp.ServerTimeoutError(), errors.APITimeoutError, True, True),
        (TimeoutError(), errors.APITimeoutError, True, True),
        (
            aiohttp.ClientConnectorError(KEY, ConnectionRefusedError(111, "refused")),
            errors.APIConnectionError,
            False,
            True,
        ),
        (
            aiohttp.ClientConnectorCertificateError(KEY, ValueError("bad cert")),
            errors.APIConnectionError,
            False,
            False,
        ),
        (aiohttp.ServerDisconnectedError(), errors.APIConnectionError, True, True),
        (aiohttp.ClientOSError(104, "reset"), errors.APIConnectionError, True, True),
        (aiohttp.ClientPayloadError("cut short"), errors.APIConnectionError, True, True),
        (aiohttp.ClientError("other"), errors.APIConnectionError, True, True),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else None,
)
def test_translation(
    exc: BaseException, cls: type[errors.APIConnectionError], sent: bool, retryable: bool
) -> None:
    ours = translate(exc, "POST", "/cms/v3/pages/site-pages")
    assert type(ours) is cls
    assert ours.request_sent is sent
    assert ours.retryable is retryable
    assert ours.method == "POST"
    assert ours.path == "/cms/v3/pages/site-pages"
    assert type(exc).__name__ in str(ours)


def _chain(exc: BaseException | None) -> list[BaseException]:
    """``exc`` and every exception it carries (causes, contexts, ``.cause``)."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [current.__cause__, current.__context__, getattr(current, "cause", None)]
    return seen


@pytest.mark.parametrize("operation", ["get", "create"])
async def test_a_garbled_answer_never_carries_the_token(
    operation: str, caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp reports an unparsable answer as ``ClientResponseError``, whose repr shows
    the request headers: the Authorization header must not survive in the chain."""

    async def garble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 2x0 WAT\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()
        writer.close()

    caplog.set_level(logging.DEBUG)
    server = await asyncio.start_server(garble, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with HubPages(
            FAKE_TOKEN, base_url=f"http://127.0.0.1:{port}", retry=RetryPolicy.none()
        ) as hs:
            call = (
                hs.site_pages.get("1")
                if operation == "get"
                else hs.site_pages.create(Page(name="n", template_path="t/p.html"))
            )
            with pytest.raises(errors.APIError) as info:
                await call
    finally:
        server.close()
        await server.wait_closed()
    chain = _chain(info.value)
    assert any(isinstance(e, aiohttp.ClientResponseError) for e in chain)
    for exc in chain:
        for text in (str(exc), repr(exc), *map(repr, exc.args)):
            assert FAKE_TOKEN not in text, type(exc).__name__
    if operation == "create":
        assert "outcome unknown" in caplog.text
    assert FAKE_TOKEN not in caplog.text
