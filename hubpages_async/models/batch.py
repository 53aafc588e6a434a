"""Batch inputs and the batch response envelope (shared HubSpot-wide)."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Generic, TypeVar

import msgspec

from ._base import UNSET, Model, UnsetType
from .errors import StandardError

__all__ = [
    "BATCH_STATUSES",
    "TERMINAL_BATCH_STATUSES",
    "BatchInput",
    "BatchResponse",
]

T = TypeVar("T")

#: The four values of the envelope's ``status`` (facts file, section 4).
BATCH_STATUSES: Final = ("PENDING", "PROCESSING", "COMPLETE", "CANCELED")
TERMINAL_BATCH_STATUSES: Final = frozenset({"COMPLETE", "CANCELED"})


class BatchInput(Model, Generic[T]):
    """``{"inputs": [...]}``: pages, folders, ids (strings) or JSON objects."""

    inputs: list[T]


class BatchResponse(Model, Generic[T], dict=True):
    """The batch envelope, with or without errors (HTTP 200/201, or 207 with errors).

    ``status`` is usually ``COMPLETE``; a ``PENDING``/``PROCESSING`` envelope carries
    the URL to poll in ``links["status"]`` (or ``links["self"]``).

    :attr:`http_status` and :attr:`correlation_id` describe the HTTP answer the envelope
    was read from: a 207 is the one whose ``errors`` name refused inputs, and the
    correlation id (HubSpot's ``X-HubSpot-Correlation-Id`` header) is what HubSpot's
    support asks for about them. Both are None for an envelope built by hand.
    """

    # dict=True: the answer's status and correlation id ride along as plain attributes,
    # never as wire fields, so an envelope encoded again is still exactly HubSpot's.

    status: str | UnsetType | None = UNSET
    results: list[T] = msgspec.field(default_factory=list)
    num_errors: int | UnsetType | None = UNSET
    errors: list[StandardError] | UnsetType | None = UNSET
    requested_at: datetime | UnsetType | None = UNSET
    started_at: datetime | UnsetType | None = UNSET
    completed_at: datetime | UnsetType | None = UNSET
    links: dict[str, str] | UnsetType | None = UNSET

    @property
    def http_status(self) -> int | None:
        """The HTTP status of the answer (201, 200 or 207), or None if not read from one."""
        status = self.__dict__.get("_http_status")
        return status if isinstance(status, int) else None

    @property
    def correlation_id(self) -> str | None:
        """The answer's ``X-HubSpot-Correlation-Id``, or None when it had none."""
        value = self.__dict__.get("_correlation_id")
        return value if isinstance(value, str) and value else None

    def note_answer(self, status: int, correlation_id: str | None) -> None:
        """Record the HTTP answer this envelope was decoded from (the client does this)."""
        self.__dict__["_http_status"] = status
        self.__dict__["_correlation_id"] = correlation_id

    @property
    def is_terminal(self) -> bool:
        """True once the batch is COMPLETE or CANCELED (an absent status counts as COMPLETE)."""
        return self.status in (UNSET, None) or self.status in TERMINAL_BATCH_STATUSES

    @property
    def poll_url(self) -> str | None:
        """The link to poll while the batch is not terminal, if the envelope gives one."""
        links = self.links if isinstance(self.links, dict) else {}
        return links.get("status") or links.get("self")
