"""Pure protocol logic: no I/O, so every branch is unit-tested directly.

``decipher`` turns one HTTP answer ``(status, headers, body)`` into decoded data or
the right typed exception; ``RateLimitInfo.from_headers`` and ``parse_retry_after``
read HubSpot's rate-limit feedback.
"""

from __future__ import annotations

import email.utils
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import msgspec

from . import errors
from ._acyclic import TOO_DEEP, decode_acyclic
from ._redact import redact, redact_struct
from .models import UNSET, BatchResponse, ErrorBody

__all__ = [
    "ENCODER",
    "RateLimitInfo",
    "decipher",
    "decoder_for",
    "encode",
    "lower_headers",
    "parse_retry_after",
]

#: One shared encoder: msgspec encoders are reusable and thread-safe.
ENCODER: Final = msgspec.json.Encoder()

_ERROR_DECODER: Final = msgspec.json.Decoder(ErrorBody)

CORRELATION_HEADER: Final = "x-hubspot-correlation-id"

_NO_ID: Final = object()


def encode(obj: Any) -> bytes:
    """Encode a request body (a Struct, dict, list...) to JSON bytes."""
    return ENCODER.encode(obj)


@functools.cache
def decoder_for(response_type: Any) -> msgspec.json.Decoder[Any]:
    """A typed decoder per response type, built once (building one is the slow part)."""
    return msgspec.json.Decoder(response_type)


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names lower-cased: HTTP names are case-insensitive, mocks send any case."""
    return {k.lower(): v for k, v in headers.items()}


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date).

    >>> parse_retry_after("3")
    3.0
    >>> now = datetime(2015, 10, 21, 7, 27, tzinfo=UTC)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now)
    60.0
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class RateLimitInfo:
    """HubSpot's rate-limit feedback from one answer (every field may be missing).

    ``rate_limited`` is True for a 429 on the rolling window (not DAILY): the limiter
    pauses every request for ``retry_after``, else ``interval``.
    """

    max: int | None = None
    remaining: int | None = None
    interval: float | None = None
    daily: int | None = None
    daily_remaining: int | None = None
    retry_after: float | None = None
    rate_limited: bool = False

    @classmethod
    def from_headers(
        cls, headers: Mapping[str, str], *, status: int = 200, daily: bool = False
    ) -> RateLimitInfo:
        """Read ``X-HubSpot-RateLimit-*`` and ``Retry-After`` (``headers`` lower-cased)."""
        interval_ms = _int_header(headers, "x-hubspot-ratelimit-interval-milliseconds")
        return cls(
            max=_int_header(headers, "x-hubspot-ratelimit-max"),
            remaining=_int_header(headers, "x-hubspot-ratelimit-remaining"),
            interval=interval_ms / 1000 if interval_ms is not None and interval_ms > 0 else None,
            daily=_int_header(headers, "x-hubspot-ratelimit-daily"),
            daily_remaining=_int_header(headers, "x-hubspot-ratelimit-daily-remaining"),
            retry_after=parse_retry_after(headers.get("retry-after")),
            rate_limited=status == 429 and not daily,
        )

    @property
    def pause_for(self) -> float | None:
        """How long every request should wait, or None: after a rolling-window 429, or
        once the window's remaining count reaches 0."""
        if self.rate_limited or self.remaining == 0:
            return self.retry_after if self.retry_after is not None else self.interval
        return None


def decipher(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    response_type: Any = None,
    *,
    method: str = "",
    path: str = "",
    secret: str | None = None,
) -> Any:
    """Decode a success body as ``response_type``, or raise the matching error.

    ``headers`` must be lower-cased (see :func:`lower_headers`). With no
    ``response_type`` (a 204, HubSpot's undeclared multi-language answers) the body is
    ignored and the result is None. Where a body is due, an empty one, one of the
    wrong shape, an object without its ``id`` or JSON nested absurdly deep raises
    :class:`~hubpages_async.errors.ResponseValidationError`: such an answer proves
    nothing, least of all that a create happened. ``secret`` (the access token) is
    masked in every text field the server sent back (see ``_redact``).
    """
    if 200 <= status < 300:
        if response_type is None:
            return None
        name = getattr(response_type, "__name__", str(response_type))
        if not body.strip():
            raise _invalid(f"HTTP {status} with an empty body where a {name} was due", method, path)
        try:
            result = decode_acyclic(decoder_for(response_type), body)
        except msgspec.DecodeError as exc:  # ValidationError subclasses DecodeError
            detail = "the JSON is nested too deeply" if str(exc) == TOO_DEEP else str(exc)
            raise _invalid(
                f"HTTP {status} body does not match {name}: {detail}", method, path
            ) from exc
        if getattr(result, "id", _NO_ID) in (UNSET, None, ""):  # Page, ContentFolder, ...
            raise _invalid(f"HTTP {status}: a {name} without an id", method, path)
        batch_errors = getattr(result, "errors", None)
        if secret and isinstance(batch_errors, list) and secret.encode() in body:
            # A 207's errors are the server's words: masked. Its results are the
            # caller's pages, left exactly as they came (a page may well be named "e").
            scrubbed = [redact_struct(e, secret) for e in batch_errors]
            result = msgspec.structs.replace(result, errors=scrubbed)
        if isinstance(result, BatchResponse):
            # A 207's per-input errors carry no status or correlation id of their own:
            # the answer's are the ones to quote.
            result.note_answer(status, headers.get(CORRELATION_HEADER))
        return result
    raise error_from_response(status, headers, body, method=method, path=path, secret=secret)


def _invalid(problem: str, method: str, path: str) -> errors.ResponseValidationError:
    return errors.ResponseValidationError(f"{method} {path}: {problem}", method=method, path=path)


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    method: str = "",
    path: str = "",
    secret: str | None = None,
) -> errors.APIStatusError:
    """Build the typed exception for an error answer; tolerant of any body at all.

    ``secret`` is masked in the server's fields (message, context, errors...) and in
    the raw body kept on the exception, so an error echoing the token cannot show it.
    """
    error_body = redact_struct(_decode_error_body(body), secret)
    if secret and secret.encode() in body:
        body = redact(body.decode("utf-8", "replace"), secret).encode()
    cls = errors.status_error_class(status)
    correlation_id = headers.get(CORRELATION_HEADER)
    retry_after = parse_retry_after(headers.get("retry-after"))
    if cls is errors.RateLimitError:
        daily = (
            isinstance(error_body.policy_name, str) and error_body.policy_name.upper() == "DAILY"
        )
        info = RateLimitInfo.from_headers(headers, status=status, daily=daily)
        return errors.RateLimitError(
            status,
            error_body,
            retry_after=info.retry_after,
            interval=info.interval,
            method=method,
            path=path,
            correlation_id=correlation_id,
            raw_body=body,
        )
    return cls(
        status,
        error_body,
        method=method,
        path=path,
        correlation_id=correlation_id,
        retry_after=retry_after,
        raw_body=body,
    )


def _decode_error_body(body: bytes) -> ErrorBody:
    # HubSpot says every error field is optional; gateways may answer HTML or nothing.
    if body.strip():
        try:
            return _ERROR_DECODER.decode(body)
        except msgspec.DecodeError:
            text = body[:200].decode("utf-8", "replace").strip()
            return ErrorBody(message=text or None)
    return ErrorBody()
