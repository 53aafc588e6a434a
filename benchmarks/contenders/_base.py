"""What every contender implements, and the job description the harness hands it.

A contender runs inside a worker process (one per measurement), so each method is a
plain synchronous call: async contenders start their own event loop inside it, and the
worker times the whole call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from hubpages_async.models import Page

__all__ = ["TOKEN", "Contender", "Job", "Outcome", "item_bound"]

#: The emulator accepts any non-empty bearer token (all in portal 1).
TOKEN = "bench-token"


@dataclass(frozen=True, slots=True)
class Job:
    """One measured operation against one emulator.

    ``rate_limit`` is what the emulator enforces (``"190/10s"`` or None); contenders that
    can be told the limit (hubpages_async) are configured with it, the others are not
    because they have no such setting.
    """

    op: str  # "export" | "create" | "decode"
    base_url: str = ""
    count: int = 0
    shards: int = 1
    concurrency: int = 10
    rate_limit: str | None = None
    #: Rate-limit headroom and window margin for hubpages_async (None: the library's defaults).
    headroom: float | None = None
    margin: float | None = None
    #: hubpages_async's ``create_many(collect=...)``: False keeps counts only.
    collect: bool | Literal["ids"] = "ids"


def item_bound(job: Job) -> int:
    """Stop an export loop after this many items: a server repeating a cursor must not
    keep a benchmark running (the harness's process timeout is the second guard)."""
    return 2 * job.count + 1_000


@dataclass(slots=True)
class Outcome:
    """What a contender did: items handled, 429s seen, inputs or requests that failed."""

    items: int
    requests: int = 0
    n429: int = 0
    errors: int = 0
    note: str = ""


class Contender(Protocol):
    """A client under test. ``prepare_*`` runs before the timer starts."""

    name: str

    def prepare_create(self, pool: list[Page]) -> None:
        """Convert the pool of input pages into this client's own input type."""

    def create(self, job: Job) -> Outcome:
        """Create ``job.count`` pages (stamped from the pool) through batch create."""
        ...

    def export(self, job: Job) -> Outcome:
        """Read every page of ``GET site-pages`` and decode it into this client's models."""
        ...

    def prepare_decode(self, body: bytes) -> None:
        """Warm anything the decoder caches (types, regexes) outside the timer."""

    def decode(self, body: bytes) -> int:
        """Decode one 100-page list response; return the number of pages."""
        ...
