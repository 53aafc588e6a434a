"""Strict request-body decoding: malformed JSON, unknown fields and wrong types are 400s.

HubSpot answers a body it cannot read with 400 VALIDATION_ERROR; the emulator's message
names the offending field (msgspec reports the JSON path, e.g. ``$.inputs[2].name``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec

from .._acyclic import decode_acyclic
from ..models import BatchInput, ContentFolder, Page
from .errors import ApiError, bad_request

__all__ = [
    "StrictFolder",
    "StrictPage",
    "convert_body",
    "decode_body",
    "utc",
]

T = TypeVar("T")


class StrictPage(Page, forbid_unknown_fields=True):
    """A Page request body: an unknown (e.g. misspelt) field is an error."""


class StrictFolder(ContentFolder, forbid_unknown_fields=True):
    """A ContentFolder request body."""


_UNKNOWN_RE = re.compile(r"unknown field `([^`]+)`")
_PATH_RE = re.compile(r"at `\$\.?([^`]*)`")
_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def _field_of(message: str) -> str | None:
    m = _UNKNOWN_RE.search(message)
    path = _PATH_RE.search(message)
    prefix = path.group(1) if path else ""
    if m:
        return f"{prefix}.{m.group(1)}" if prefix else m.group(1)
    return prefix or None


def _validation(exc: msgspec.ValidationError, where: str = "") -> ApiError:
    message = str(exc)
    field = _field_of(message)
    return bad_request(f"{where}Invalid input JSON: {message}", field=field, code="INVALID_INPUT")


def decode_body(data: bytes, tp: type[T]) -> T:
    """Decode a required JSON body as ``tp``, or raise a 400 naming the problem."""
    if not data.strip():
        raise bad_request("A request body is required", code="REQUIRED")
    dec = _decoders.get(tp)
    if dec is None:
        dec = _decoders[tp] = msgspec.json.Decoder(tp)
    try:
        return decode_acyclic(dec, data)  # type: ignore[no-any-return]
    except msgspec.ValidationError as exc:
        raise _validation(exc) from None
    except msgspec.DecodeError as exc:
        raise bad_request(f"Malformed JSON body: {exc}", code="MALFORMED_JSON") from None
    except RecursionError:
        # msgspec decodes recursively: a body nested deeper than Python's stack allows
        # is a client error, not the emulator's.
        raise bad_request("Malformed JSON body: nested too deeply", code="MALFORMED_JSON") from None


def convert_body(obj: Any, tp: type[T], *, where: str = "") -> T:
    """Convert one already-decoded JSON object (a batch-update input) to ``tp``."""
    try:
        return msgspec.convert(obj, tp)
    except msgspec.ValidationError as exc:
        raise _validation(exc, where) from None


def utc(value: datetime) -> datetime:
    """Naive date-times are read as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


PageBatch = BatchInput[StrictPage]
FolderBatch = BatchInput[StrictFolder]
IdBatch = BatchInput[str]
JsonBatch = BatchInput[dict[str, Any]]
