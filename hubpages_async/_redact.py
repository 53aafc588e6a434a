"""Keeping the access token out of text that came from a server.

The client never puts the token into a message, a log line or an exception: it lives
in the request's ``Authorization`` header only. What can carry it is text a server (or
a proxy) sends back, e.g. an error echoing the credentials it refused. Those fields
are redacted one by one, when the answer is decoded, so messages the client writes
itself are never touched.

A plain ``text.replace(token, "***")`` mangles text when the token is short (``"e"``
turned every message into ``pag***s/sit***-pag***s``). So an occurrence counts as the
token only where it stands alone: not inside a longer run of token characters
(letters, digits, ``-``, ``_``). A token of :data:`ALWAYS_REDACTED` characters or more
is masked wherever it appears: no ordinary word contains a real secret that long.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final, TypeVar

import msgspec

__all__ = ["ALWAYS_REDACTED", "MASK", "redact", "redact_struct"]

MASK: Final = "***"
#: Tokens at least this long are masked even inside longer words.
ALWAYS_REDACTED: Final = 12

_WORD: Final = "A-Za-z0-9_-"

S = TypeVar("S", bound=msgspec.Struct)


@functools.lru_cache(maxsize=8)
def _pattern(secret: str) -> re.Pattern[str]:
    escaped = re.escape(secret)
    if len(secret) >= ALWAYS_REDACTED:
        return re.compile(escaped)
    return re.compile(rf"(?<![{_WORD}]){escaped}(?![{_WORD}])")


def redact(text: str, secret: str | None) -> str:
    """``text`` with every standalone occurrence of ``secret`` masked.

    >>> redact("token e refused; see pages/e", "e")
    'token *** refused; see pages/***'
    >>> redact("GET /cms/v3/pages/site-pages/9", "e")
    'GET /cms/v3/pages/site-pages/9'
    """
    if not secret or secret not in text:
        return text
    return _pattern(secret).sub(MASK, text)


def _scrub(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return redact(value, secret)
    if isinstance(value, list):
        return [_scrub(v, secret) for v in value]
    if isinstance(value, dict):
        return {redact(str(k), secret): _scrub(v, secret) for k, v in value.items()}
    return value


def redact_struct(obj: S, secret: str | None) -> S:
    """A copy of a decoded server struct with ``secret`` masked in every string field
    (``obj`` itself when there is nothing to mask)."""
    if not secret:
        return obj
    wire = msgspec.to_builtins(obj)
    scrubbed = _scrub(wire, secret)
    if scrubbed == wire:
        return obj
    return msgspec.convert(scrubbed, type(obj))
