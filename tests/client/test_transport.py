"""The aiohttp error table: which failures prove the request never left."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from hubpages_async import errors
from hubpages_async._transport import translate

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
