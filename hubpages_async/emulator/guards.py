"""HubSpot-shaped JSON errors for the requests aiohttp itself would refuse in plain text.

aiohttp answers an over-long request line or header with a plain-text 400 and an
oversize body with a plain-text 413, before any handler runs. The emulator lets its
HTTP parser accept far longer lines (``PARSER_LIMITS``) and applies HubSpot's limits
here instead, so every refusal carries the usual JSON error body: a URL over 8,190 bytes
is a 414 (HubSpot's error guide lists "414 URI too long"), a header over 8,190 bytes a
400, a body over ``max_body`` a 413. Deeply nested JSON is handled where bodies are
decoded (``bodies.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web

from .errors import ApiError

__all__ = [
    "MAX_HEADER_BYTES",
    "MAX_URL_BYTES",
    "PARSER_LIMITS",
    "error_response",
    "read_body",
    "size_guard",
]

#: aiohttp's own defaults, and the common front-end limit: HubSpot's stays unpublished.
MAX_URL_BYTES: Final = 8190
MAX_HEADER_BYTES: Final = 8190
#: What the HTTP parser itself accepts (AppRunner keyword arguments): well above the
#: limits above, so the request reaches ``size_guard`` and gets a JSON answer.
PARSER_LIMITS: Final[dict[str, Any]] = {"max_line_size": 1 << 20, "max_field_size": 1 << 20}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(err: ApiError, headers: dict[str, str] | None = None) -> web.Response:
    """The JSON answer of an ApiError (with extra headers, e.g. rate-limit ones)."""
    out = dict(headers or {})
    out["Content-Type"] = "application/json;charset=utf-8"
    return web.Response(status=err.status, body=err.body(), headers=out)


def _refusal(status: int, code: str, message: str) -> ApiError:
    return ApiError(
        status,
        "VALIDATION_ERROR",
        message,
        errors=[{"message": message, "code": code}],
    )


@web.middleware
async def size_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse an over-long URL or header with a JSON error before any route runs."""
    url_bytes = len(request.raw_path.encode("utf-8", "surrogateescape"))
    if url_bytes > MAX_URL_BYTES:
        return error_response(
            _refusal(
                414,
                "URI_TOO_LONG",
                f"URI too long: {url_bytes} bytes (the limit is {MAX_URL_BYTES}); "
                "send long filter lists in several requests",
            )
        )
    for name, value in request.raw_headers:
        if len(name) + len(value) > MAX_HEADER_BYTES:
            return error_response(
                _refusal(
                    400,
                    "HEADER_TOO_LARGE",
                    f"Request header {name.decode('latin-1')[:64]!r} is longer than "
                    f"{MAX_HEADER_BYTES} bytes",
                )
            )
    return await handler(request)


async def read_body(request: web.Request) -> bytes:
    """The request body, or a JSON 413 when it is over the app's ``client_max_size``."""
    if not request.can_read_body:
        return b""
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        limit = request.app._client_max_size
        raise _refusal(
            413,
            "PAYLOAD_TOO_LARGE",
            f"Request body is larger than {limit} bytes (the emulator's max_body)",
        ) from None
