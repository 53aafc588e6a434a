"""The only module that touches aiohttp: one session, one send, one error table.

``Transport.send`` returns the raw answer ``(status, headers, body)`` and turns every
aiohttp failure into :class:`~hubpages_async.errors.APIConnectionError` (or
``APITimeoutError``) with the original kept as ``__cause__``. It records whether the
request could have reached the server: only a failure to connect proves it did not,
which is what makes retrying a create safe. ``CancelledError`` is never caught.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass

import aiohttp
from aiohttp import hdrs
from multidict import CIMultiDict, CIMultiDictProxy

from . import errors
from ._sansio import lower_headers

__all__ = ["RawResponse", "Transport"]


@dataclass(frozen=True, slots=True)
class RawResponse:
    """One HTTP answer, fully read. ``headers`` keys are lower-cased."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class _Rule:
    kinds: tuple[type[BaseException], ...]
    error: type[errors.APIConnectionError]
    what: str
    request_sent: bool = True
    retryable: bool = True


#: aiohttp failure -> our error, first match wins (subclasses before their bases).
_RULES: tuple[_Rule, ...] = (
    _Rule((aiohttp.ConnectionTimeoutError,), errors.APITimeoutError, "timed out connecting", False),
    _Rule(
        (aiohttp.ServerTimeoutError, TimeoutError),
        errors.APITimeoutError,
        "timed out waiting for the answer",
    ),
    # Retrying will not fix a certificate: surface it at once.
    _Rule(
        (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError),
        errors.APIConnectionError,
        "TLS failure",
        request_sent=False,
        retryable=False,
    ),
    # Connection refused, DNS failure...: nothing was written to a server.
    _Rule((aiohttp.ClientConnectorError,), errors.APIConnectionError, "cannot connect", False),
    # Reset, disconnect, truncated body: the server may have seen the request.
    _Rule((aiohttp.ClientError,), errors.APIConnectionError, "connection failed"),
)


def translate(exc: BaseException, method: str, path: str) -> errors.APIConnectionError:
    """Our error for an aiohttp (or timeout) failure; the caller chains ``exc``."""
    for rule in _RULES:
        if isinstance(exc, rule.kinds):
            break
    else:
        rule = _RULES[-1]
    return rule.error(
        f"{method} {path}: {rule.what}: {type(exc).__name__}: {exc}",
        method=method,
        path=path,
        request_sent=rule.request_sent,
        retryable=rule.retryable,
    )


def _hide_credentials(exc: BaseException) -> None:
    """Mask the Authorization header in the request aiohttp keeps on some errors.

    ``ClientResponseError`` (an unparsable answer, too many redirects) holds the
    request's headers in ``request_info`` and shows them in its ``repr``: it is chained
    to our error as ``__cause__``, so the token would travel with it.
    """
    if not isinstance(exc, aiohttp.ClientResponseError):
        return
    info = exc.request_info
    if hdrs.AUTHORIZATION not in info.headers:
        return
    headers = CIMultiDict(info.headers)
    headers[hdrs.AUTHORIZATION] = "Bearer ***"
    exc.request_info = aiohttp.RequestInfo(
        info.url, info.method, CIMultiDictProxy(headers), info.real_url
    )
    exc.args = (exc.request_info, *exc.args[1:])


class Transport:
    """Owns the aiohttp ``ClientSession`` for the client's lifetime.

    A caller's session is used as is and never closed; otherwise one session is
    opened in :meth:`open` (inside the running loop) and closed with the exit stack.
    """

    def __init__(
        self,
        *,
        timeout: float,
        session: aiohttp.ClientSession | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
        max_connections: int = 10,
        max_response_bytes: int = 64 << 20,
    ) -> None:
        # Explicit timeouts: the whole request, and the connect phase on its own (a
        # connect timeout proves the request was never sent).
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 10.0))
        if session is not None and trace_configs:
            # aiohttp fixes trace configs when a session is created; ours would be ignored.
            raise errors.ValidationError(
                "trace_configs", "pass them to your own ClientSession when you give a session"
            )
        self._external = session
        self._trace_configs = list(trace_configs or [])
        self._max_connections = max_connections
        self.max_response_bytes = max_response_bytes
        self._session: aiohttp.ClientSession | None = None

    async def open(self, stack: AsyncExitStack) -> None:
        """Create (or adopt) the session; our own is closed when ``stack`` unwinds.

        Either way the transport lets go of it then, so a client used after its
        ``async with`` block fails clearly even when the caller's session lives on.
        """
        stack.callback(self._forget)
        if self._external is not None:
            self._session = self._external
            return
        connector = aiohttp.TCPConnector(limit=self._max_connections)
        session = aiohttp.ClientSession(
            connector=connector,
            timeout=self.timeout,
            trace_configs=self._trace_configs or None,
            raise_for_status=False,
            auto_decompress=True,
        )
        self._session = await stack.enter_async_context(session)

    def _forget(self) -> None:
        self._session = None

    @property
    def is_open(self) -> bool:
        """True between ``open`` and the end of the client's ``async with`` block."""
        return self._session is not None

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Sequence[tuple[str, str]] | None = None,
        data: bytes | None = None,
        path: str = "",
    ) -> RawResponse:
        """Send one request and read the whole answer."""
        session = self._session
        if session is None:
            raise errors.ClientStateError("the client is closed; use it inside `async with`")
        try:
            async with session.request(
                method,
                url,
                headers=headers,
                params=params or None,
                data=data,
                timeout=self.timeout,
            ) as resp:
                body = await self._read_capped(resp, method, path)
                return RawResponse(resp.status, lower_headers(resp.headers), body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            _hide_credentials(exc)
            raise translate(exc, method, path) from exc

    async def _read_capped(self, resp: aiohttp.ClientResponse, method: str, path: str) -> bytes:
        """The whole body, decompressed, or ``ResponseTooLargeError`` past the cap.

        Counted on the decoded bytes as they stream in (aiohttp inflates in bounded
        steps), so a small gzip bomb is stopped at the cap, not after it unpacks.
        """
        limit = self.max_response_bytes
        declared = resp.content_length
        if declared is not None and declared > limit and hdrs.CONTENT_ENCODING not in resp.headers:
            raise self._too_large(method, path, f"declares {declared} bytes")
        parts: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(1 << 16):
            size += len(chunk)
            if size > limit:
                raise self._too_large(method, path, "kept coming")
            parts.append(chunk)
        return b"".join(parts)

    def _too_large(self, method: str, path: str, what: str) -> errors.ResponseTooLargeError:
        limit = self.max_response_bytes
        return errors.ResponseTooLargeError(
            f"{method} {path}: the answer {what}, more than the {limit}-byte cap "
            "(max_response_bytes); not read further",
            limit=limit,
            method=method,
            path=path,
        )
