"""The client's frozen configuration, with the normalisers that validate it.

All defaults live here (one place to read them).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import urlsplit

from . import errors
from ._retry import RetryPolicy
from ._throttle import RateLimit

__all__ = [
    "API_PREFIXES",
    "DEFAULT_BASE_URL",
    "TOKEN_ENV",
    "ClientConfig",
    "normalize_api",
    "normalize_base_url",
    "normalize_token",
]

DEFAULT_BASE_URL: Final = "https://api.hubapi.com"
TOKEN_ENV: Final = "HUBSPOT_ACCESS_TOKEN"
DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_CONCURRENCY: Final = 10
#: The largest answer read, after decompression (a 100-page list with full layouts is a
#: few MB): past it, ``ResponseTooLargeError``, so a gzip bomb cannot exhaust memory.
DEFAULT_MAX_RESPONSE_BYTES: Final = 64 << 20

ApiVersion = Literal["v3", "2026-03"]

#: api version -> path prefix. The dated prefix is what HubSpot's newest SDK calls.
API_PREFIXES: Final[dict[str, str]] = {"v3": "cms/v3/pages", "2026-03": "cms/pages/2026-03"}

TokenProvider = Callable[[], Awaitable[str]]


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_base_url(url: str) -> str:
    """Validate a base URL and drop any trailing ``/``.

    Plain ``http://`` is refused unless the host is a loopback address: the bearer
    token would otherwise cross the network in clear text.

    >>> normalize_base_url("http://127.0.0.1:8080/")
    'http://127.0.0.1:8080'
    """
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - parsing the port is what raises on a bad one
    except ValueError as exc:  # "http://[::1", "https://h:99999"
        raise errors.ValidationError("base_url", f"is not a valid URL ({exc}): {url!r}") from None
    if parts.scheme not in ("http", "https"):
        raise errors.ValidationError("base_url", f"must start with https:// (got {url!r})")
    if not parts.hostname:
        raise errors.ValidationError("base_url", f"has no host (got {url!r})")
    if parts.query or parts.fragment:
        raise errors.ValidationError("base_url", "must not carry a query string or fragment")
    if parts.username or parts.password:
        raise errors.ValidationError("base_url", "must not carry credentials")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise errors.ValidationError(
            "base_url", "plain http:// is only allowed for loopback addresses; use https://"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def normalize_api(api: str) -> str:
    """``"v3"`` -> ``"cms/v3/pages"``, ``"2026-03"`` -> ``"cms/pages/2026-03"``."""
    try:
        return API_PREFIXES[api]
    except KeyError:
        raise errors.ValidationError(
            "api", f"unknown API version {api!r}; one of {sorted(API_PREFIXES)}"
        ) from None


def normalize_token(token: str) -> str:
    """Refuse empty tokens and tokens that would break (or inject into) the header."""
    token = token.strip()
    if not token:
        raise errors.ValidationError("token", "is empty")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in token):
        raise errors.ValidationError("token", "contains whitespace or control characters")
    return token


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Everything a :class:`~hubpages_async.HubPages` client was configured with.

    The token is excluded from ``repr`` so that logging a config never leaks it.
    """

    base_url: str = DEFAULT_BASE_URL
    api_prefix: str = API_PREFIXES["v3"]
    token: str | None = field(default=None, repr=False)
    token_provider: TokenProvider | None = field(default=None, repr=False)
    rate_limit: RateLimit = field(default_factory=RateLimit)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = DEFAULT_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    @classmethod
    def build(
        cls,
        *,
        token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        api: str = "v3",
        token_provider: TokenProvider | None = None,
        rate_limit: RateLimit | None = None,
        retry: RetryPolicy | None = None,
        max_concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> ClientConfig:
        """Normalise and validate the constructor arguments of ``HubPages``."""
        if token is None and token_provider is None:
            token = os.environ.get(TOKEN_ENV) or None
        if token is None and token_provider is None:
            raise errors.ValidationError(
                "token", f"pass token= or token_provider=, or set {TOKEN_ENV}"
            )
        if max_concurrency < 1:
            raise errors.ValidationError("max_concurrency", "must be at least 1")
        if not timeout > 0:
            raise errors.ValidationError("timeout", "must be positive")
        if max_response_bytes < 1:
            raise errors.ValidationError("max_response_bytes", "must be at least 1")
        return cls(
            base_url=normalize_base_url(base_url),
            api_prefix=normalize_api(api),
            token=normalize_token(token) if token is not None else None,
            token_provider=token_provider,
            rate_limit=rate_limit or RateLimit(),
            retry=retry or RetryPolicy(),
            max_concurrency=max_concurrency,
            timeout=float(timeout),
            max_response_bytes=max_response_bytes,
        )

    @property
    def api_root(self) -> str:
        """``base_url`` joined with the API prefix, e.g. ``https://api.hubapi.com/cms/v3/pages``."""
        return f"{self.base_url}/{self.api_prefix}"
