"""The only module that touches aiohttp: one session, one send, one error table.

``Transport.send`` returns the raw answer ``(status, headers, body)`` and turns every
aiohttp failure into :class:`~hubpages_async.errors.APIConnectionError` (or
``APITimeoutError``) with the original kept as ``__cause__``. It records whether the
request could have reached the server: only a failure to connect proves it did not,
which is what makes retrying a create safe. ``CancelledError`` is never caught.

Proxies: an explicit ``proxy`` URL, else (with ``trust_env``, the default, as in httpx)
the one ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` name for the base URL unless
``NO_PROXY`` exempts its host. The environment is read once, when the client opens: the
session itself runs with aiohttp's ``trust_env`` off, because aiohttp would then also
consult ``~/.netrc`` on every request (in a thread) and refuse to combine a netrc entry
with our Bearer header.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp import hdrs
from multidict import CIMultiDict, CIMultiDictProxy

from . import errors
from ._sansio import lower_headers

__all__ = ["RawResponse", "Transport", "client_timeout", "origin_of", "proxy_from_env"]


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


def translate(
    exc: BaseException,
    method: str,
    path: str,
    *,
    timeout: aiohttp.ClientTimeout | None = None,
    url: str = "",
) -> errors.APIConnectionError:
    """Our error for an aiohttp (or timeout) failure; the caller chains ``exc``."""
    for rule in _RULES:
        if isinstance(exc, rule.kinds):
            break
    else:
        rule = _RULES[-1]
    # asyncio's TimeoutError has no text: say which limit ran out instead.
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if rule.error is errors.APITimeoutError and timeout is not None:
        limit = timeout.connect if rule.request_sent is False else timeout.total
        if limit is not None:
            detail = f"no answer within {limit:g} s ({detail})"
    return rule.error(
        f"{method} {path}: {rule.what}: {detail}",
        method=method,
        path=path,
        request_sent=rule.request_sent,
        retryable=rule.retryable,
        origin=origin_of(url),
    )


def origin_of(url: str) -> str:
    """``https://user:pw@host:8443/x?q`` -> ``https://host:8443``: what names a server,
    without credentials, path or query (an error message may show it)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


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


def client_timeout(seconds: float) -> aiohttp.ClientTimeout:
    """The whole request, and the connect phase on its own (a connect timeout proves
    the request was never sent)."""
    return aiohttp.ClientTimeout(total=seconds, connect=min(seconds, 10.0))


def proxy_from_env(url: str) -> str | None:
    """The proxy the environment names for ``url`` (None: none, or ``NO_PROXY`` exempts it)."""
    parts = urlsplit(url)
    if parts.hostname and urllib.request.proxy_bypass(parts.hostname):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all") or None


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
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        self.timeout = client_timeout(timeout)
        self._proxy_setting = proxy
        self._trust_env = trust_env
        #: The proxy requests go through (resolved in :meth:`open`).
        self.proxy: str | None = None
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

    async def open(self, stack: AsyncExitStack, base_url: str) -> None:
        """Create (or adopt) the session; our own is closed when ``stack`` unwinds.

        Either way the transport lets go of it then, so a client used after its
        ``async with`` block fails clearly even when the caller's session lives on.
        """
        self.proxy = self._proxy_setting
        if self.proxy is None and self._trust_env:
            self.proxy = proxy_from_env(base_url)
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
            trust_env=False,  # the environment's proxy is resolved above, once
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
        timeouts: aiohttp.ClientTimeout | None = None,
    ) -> RawResponse:
        """Send one request and read the whole answer (``timeouts``: this call's own)."""
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
                timeout=timeouts or self.timeout,
                proxy=self.proxy,
            ) as resp:
                body = await self._read_capped(resp, method, path)
                return RawResponse(resp.status, lower_headers(resp.headers), body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            _hide_credentials(exc)
            raise translate(exc, method, path, timeout=timeouts or self.timeout, url=url) from exc

    async def _read_capped(self, resp: aiohttp.ClientResponse, method: str, path: str) -> bytes:
        """The whole body, decompressed, or ``ResponseTooLargeError`` past the cap.

        Counted on the decoded bytes as they stream in (aiohttp inflates in bounded
        steps), so a small gzip bomb is stopped at the cap, not after it unpacks.
        """
        limit = self.max_response_bytes
        declared = resp.content_length
        if declared is not None and hdrs.CONTENT_ENCODING not in resp.headers:
            # A plain body of a declared length (the usual answer): its size is known
            # before reading, and one read() is the cheapest way to take it.
            if declared > limit:
                raise self._too_large(method, path, f"declares {declared} bytes")
            return await resp.read()
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
