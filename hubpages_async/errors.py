"""Exceptions raised by hubpages_async.

Every exception derives from :class:`HubPagesError`. HubSpot error bodies become
:class:`APIStatusError` subclasses, one per notable status, carrying everything the
body says (``category``, ``sub_category``, ``correlation_id``, ``message``, ``errors``,
``context``)::

    try:
        page = await hs.site_pages.get("123")
    except errors.NotFoundError as exc:
        log.info("no such page (correlation id %s)", exc.correlation_id)

No exception, message or repr ever contains the access token: the token lives only in
the request headers, which are never copied into an exception.
"""

from __future__ import annotations

from typing import Any

from .models import ErrorBody, ErrorDetail

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientStateError",
    "ConflictError",
    "HubPagesError",
    "IncompleteBatchError",
    "LimiterUnavailableError",
    "LockedError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "ValidationError",
    "status_error_class",
]


class HubPagesError(Exception):
    """Base class of every exception this library raises."""


class ClientStateError(HubPagesError, RuntimeError):
    """The client was used outside ``async with HubPages(...)`` (not entered, or closed)."""


class LimiterUnavailableError(HubPagesError):
    """The shared rate limiter's store (Redis) cannot be reached: the request was not sent.

    Raised by :class:`~hubpages_async.limiters.RedisLimiter` in its default
    ``on_redis_error="fail"`` mode, at the start of a job or in the middle of one. It is
    not an API error, so bulk helpers do not turn it into per-input failures: the job
    stops, its journal intact, and a rerun resumes where it stopped.
    """


class ValidationError(ValueError, HubPagesError):
    """Bad input caught before anything was sent; ``field`` names the offending field.

    >>> raise ValidationError("template_path", "must not start with '/'")
    Traceback (most recent call last):
    hubpages_async.errors.ValidationError: template_path: must not start with '/'
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class APIError(HubPagesError):
    """Something went wrong talking to HubSpot (an error answer, or no answer at all)."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path


class APIStatusError(APIError):
    """HubSpot answered with an error status; the attributes mirror its error body.

    ``path`` is the URL path only (no query string and never a header).
    """

    status: int

    def __init__(
        self,
        status: int,
        body: ErrorBody | None = None,
        *,
        method: str = "",
        path: str = "",
        correlation_id: str | None = None,
        retry_after: float | None = None,
        raw_body: bytes = b"",
    ) -> None:
        body = body if body is not None else ErrorBody()
        message = _str(body.message) or f"HTTP {status}"
        self.status = status
        self.body = body
        self.raw_body = raw_body
        #: The server's ``Retry-After``, in seconds, when it sent one.
        self.retry_after = retry_after
        self.category = _str(body.category) or _str(body.error_type)
        self.sub_category = _str(body.sub_category)
        self.correlation_id = _str(body.correlation_id) or correlation_id
        self.errors: list[ErrorDetail] = body.errors if isinstance(body.errors, list) else []
        self.context: dict[str, list[str]] = body.context if isinstance(body.context, dict) else {}
        where = f" {method} {path}" if method else ""
        detail = f"{status} {self.category or 'ERROR'}{where}: {message}"
        if self.correlation_id:
            detail += f" (correlation id {self.correlation_id})"
        super().__init__(detail, method=method, path=path)
        self.message = message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, category={self.category!r}, "
            f"correlation_id={self.correlation_id!r}, message={self.message!r})"
        )


class BadRequestError(APIStatusError):
    """400: HubSpot rejected the request (usually ``VALIDATION_ERROR``)."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, invalid or expired (``INVALID_AUTHENTICATION``)."""


class PermissionDeniedError(APIStatusError):
    """403: the token lacks a scope (``MISSING_SCOPES``) or the portal is blocked."""


class NotFoundError(APIStatusError):
    """404: no such page, folder or revision (``OBJECT_NOT_FOUND``)."""


class ConflictError(APIStatusError):
    """409: e.g. a page with this domain and slug already exists (``CONFLICT``)."""


class LockedError(APIStatusError):
    """423: the object is locked; HubSpot says locks last 2 seconds."""


class RateLimitError(APIStatusError):
    """429: a rate limit was hit.

    ``policy_name`` is ``"TEN_SECONDLY_ROLLING"`` (retried) or ``"DAILY"`` (never
    retried: it resets at midnight in the portal's time zone). ``retry_after`` is the
    server's requested wait in seconds, when it sent one.
    """

    def __init__(
        self,
        status: int,
        body: ErrorBody | None = None,
        *,
        interval: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(status, body, **kwargs)
        self.policy_name = _str(self.body.policy_name)
        #: The rate window (``X-HubSpot-RateLimit-Interval-Milliseconds``), in seconds.
        self.interval = interval

    @property
    def is_daily(self) -> bool:
        """True when the daily quota is spent (retrying cannot help before midnight)."""
        return (self.policy_name or "").upper() == "DAILY"


class ServerError(APIStatusError):
    """5xx: HubSpot failed (or a gateway in front of it timed out)."""


class ResponseValidationError(APIError):
    """A 2xx answer whose body does not decode as the documented shape (an empty body
    where an object was due, a page without an id, JSON nested absurdly deep...).

    For a create it proves nothing about what HubSpot did: treat it as outcome unknown.
    """


class ResponseTooLargeError(ResponseValidationError):
    """An answer whose body (after decompression) grew past ``limit`` bytes.

    Reading stopped there, so a gzip bomb or a runaway server cannot exhaust memory;
    the limit is ``HubPages(max_response_bytes=...)``.
    """

    def __init__(self, message: str, *, limit: int, method: str = "", path: str = "") -> None:
        super().__init__(message, method=method, path=path)
        self.limit = limit


class APIConnectionError(APIError):
    """No HTTP answer: the connection failed, was reset, or the body was cut short.

    ``request_sent`` is False only when the request provably never reached the server
    (e.g. connection refused), which is what makes retrying a create safe. ``origin``
    names the server it was for (``https://api.hubapi.com``: scheme, host and port, never
    credentials or a query), or is empty when unknown.
    The underlying aiohttp/OS exception is kept as ``__cause__``.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        request_sent: bool = True,
        retryable: bool = True,
        origin: str = "",
    ) -> None:
        super().__init__(message, method=method, path=path)
        self.request_sent = request_sent
        self.retryable = retryable
        self.origin = origin


class APITimeoutError(APIConnectionError):
    """The request timed out (connecting, or waiting for the answer)."""


#: A cause chain is short (OutcomeUnknownError -> APIConnectionError): stop well after.
_CAUSE_DEPTH = 8


def connection_error_behind(failure: object) -> APIConnectionError | None:
    """The connection failure that ``failure`` (an exception, or the ``error`` of a bulk
    ``Failed``) comes down to through its ``cause``/``__cause__`` chain, or None."""
    for _ in range(_CAUSE_DEPTH):
        if isinstance(failure, APIConnectionError):
            return failure
        failure = getattr(failure, "cause", None) or getattr(failure, "__cause__", None)
        if failure is None:
            return None
    return None


class OutcomeUnknownError(APIError):
    """A non-idempotent request (create, batch create, clone, A/B or language variation)
    failed in a way that leaves open whether HubSpot applied it, so it was not retried.

    Reconcile before trying again (e.g. look the page up by slug). ``cause`` is the
    underlying error, also chained as ``__cause__``; ``body`` is the decoded request
    body that may or may not have been applied.
    """

    def __init__(self, *, method: str, path: str, body: Any, cause: BaseException) -> None:
        where = f"{method} {path}"
        reason = str(cause) or type(cause).__name__
        if reason.startswith(where):  # our own errors already name the request
            reason = reason[len(where) :].lstrip(": ")
        super().__init__(
            f"{where}: outcome unknown: {reason}. HubSpot may have applied it, so it was "
            "not retried: look it up (e.g. by slug) before sending it again",
            method=method,
            path=path,
        )
        self.body = body
        self.cause = cause


class IncompleteBatchError(APIError):
    """A batch answered PENDING/PROCESSING and never reached a terminal status."""


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    423: LockedError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The exception class for an HTTP error status (``APIStatusError`` when none fits)."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIStatusError)
