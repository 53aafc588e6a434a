"""Error bodies the way HubSpot sends them, raised from anywhere inside the emulator.

Handlers raise :class:`ApiError`; the request wrapper in ``app.py`` turns it into a JSON
body with ``status: "error"``, ``message``, ``correlationId`` (a fresh uuid4), ``category``,
``errors[]`` and ``context`` (facts file, section 3.1).
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

__all__ = [
    "ApiError",
    "bad_request",
    "conflict",
    "error_body",
    "not_found",
    "standard_error",
]

_encode = msgspec.json.Encoder().encode


class ApiError(Exception):
    """An HTTP error answer: status code, HubSpot ``category`` and a message."""

    def __init__(
        self,
        status: int,
        category: str,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        context: dict[str, list[str]] | None = None,
        sub_category: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.errors = errors if errors is not None else []
        self.context = context if context is not None else {}
        self.sub_category = sub_category
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> bytes:
        """The encoded JSON body of this error."""
        return error_body(
            self.category,
            self.message,
            errors=self.errors,
            context=self.context,
            sub_category=self.sub_category,
            extra=self.extra,
        )


def error_body(
    category: str,
    message: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    context: dict[str, list[str]] | None = None,
    sub_category: str | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """Encode a top-level error body (spec ``Error`` plus the ``status`` HubSpot adds)."""
    body: dict[str, Any] = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
        "errors": errors or [],
        "context": context or {},
        "links": {},
    }
    if sub_category:
        body["subCategory"] = sub_category
    if extra:
        body.update(extra)
    return _encode(body)


def bad_request(message: str, *, field: str | None = None, code: str = "INVALID_INPUT") -> ApiError:
    """400 VALIDATION_ERROR; ``field`` is named in ``errors[0].in`` and the context."""
    detail: dict[str, Any] = {"message": message, "code": code}
    context: dict[str, list[str]] = {}
    if field is not None:
        detail["in"] = field
        detail["context"] = {"propertyName": [field]}
        context["propertyName"] = [field]
    return ApiError(400, "VALIDATION_ERROR", message, errors=[detail], context=context)


def not_found(what: str, object_id: str) -> ApiError:
    """404 OBJECT_NOT_FOUND naming the missing object."""
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        f"{what} {object_id} does not exist",
        errors=[{"message": f"{what} {object_id} does not exist", "code": "NOT_FOUND"}],
        context={"id": [object_id]},
    )


def conflict(message: str, context: dict[str, list[str]]) -> ApiError:
    """409 CONFLICT (e.g. a duplicate domain + slug + language)."""
    return ApiError(
        409,
        "CONFLICT",
        message,
        errors=[{"message": message, "code": "CONFLICT"}],
        context=context,
    )


def standard_error(err: ApiError, context: dict[str, list[str]]) -> dict[str, Any]:
    """One ``StandardError`` entry of a 207 batch response, naming the failing input."""
    merged = dict(err.context)
    merged.update(context)
    return {
        "status": "error",
        "category": err.category,
        "message": err.message,
        "errors": err.errors,
        "context": merged,
        "links": {},
    }
