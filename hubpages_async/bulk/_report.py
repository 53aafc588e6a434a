"""What a bulk job hands back: per-input outcomes, counts, and progress events.

Every input ends in exactly one outcome, ``Succeeded`` or ``Failed``, tagged with the
index it had in the caller's input stream, so a report can be read back in input order
whatever order the concurrent chunks finished in.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

__all__ = [
    "BatchProgress",
    "BatchReport",
    "ChunkOutcome",
    "Collect",
    "Failed",
    "Outcome",
    "Succeeded",
]

T = TypeVar("T")

#: How a success was established: the batch answered it, a lookup after an unknown
#: outcome found it, or a previous run's journal already recorded it.
Via = Literal["batch", "reconciled", "journal"]
#: What a report keeps of each success: ``"ids"`` (outcome and id), ``True`` (the
#: returned page too) or ``False`` (nothing: counts and failures only).
Collect = bool | Literal["ids"]


@dataclass(frozen=True, slots=True)
class Succeeded(Generic[T]):
    """One input that was applied.

    ``item`` is the page or folder HubSpot returned; it is None for archives (HubSpot
    returns nothing) and for inputs a previous run completed (only the id is journaled).
    """

    index: int
    key: str
    id: str | None
    item: T | None = None
    via: Via = "batch"


@dataclass(frozen=True, slots=True)
class Failed:
    """One input that was not applied, with HubSpot's error category and message.

    ``category`` is HubSpot's (``VALIDATION_ERROR``, ``CONFLICT``, ``OBJECT_NOT_FOUND``,
    ...) or one of the bulk layer's own: ``INCOMPLETE_BATCH`` (the batch never reached a
    terminal status), ``CANCELED`` (a canceled batch left it out too many times),
    ``RETRIES_EXHAUSTED`` (its outcome stayed unknown after every resubmission),
    ``NOT_SENT`` (it never reached the server: its connection was refused through all
    of the client's retries, or the server stopped accepting connections earlier in the
    job; ``error`` is that refused connection).

    ``status`` is the HTTP status of the answer that refused the input: 207 for a
    per-input error of a multi-status batch answer (HubSpot gives such an error no
    status of its own), the batch's own status (400, 409, 429...) when HubSpot refused
    the whole batch, 409 for a URL a lookup found taken, None when no answer refused it
    (refused before sending, or an outcome left unknown). ``correlation_id`` is that
    answer's correlation id (the ``X-HubSpot-Correlation-Id`` header, or an error body's
    ``correlationId``), the one to quote to HubSpot's support. ``error`` is what the
    failure came from: the 207's ``StandardError``, or the exception (an
    ``APIConnectionError`` when the server could not be reached).
    """

    index: int
    key: str
    category: str
    message: str
    status: int | None = None
    error: object | None = None
    correlation_id: str | None = None


Outcome = Succeeded[T] | Failed


@dataclass(slots=True)
class ChunkOutcome(Generic[T]):
    """What one chunk produced; the job's collector folds these into the report."""

    succeeded: list[Succeeded[T]] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    skipped: int = 0
    resubmitted: int = 0
    reconciled: int = 0
    polls: int = 0
    canceled_batches: int = 0
    submitted: bool = True


@dataclass(frozen=True, slots=True)
class BatchProgress(Generic[T]):
    """A progress event, sent to ``on_progress`` after every chunk.

    Counters are cumulative for the job; ``chunk`` is the chunk just finished (its
    outcomes are there even when the job does not keep results).
    """

    operation: str
    chunks_done: int
    succeeded: int
    failed: int
    skipped: int
    retries: int
    resubmitted: int
    rate_limited: int
    rate_limit_wait_seconds: float
    elapsed: float
    chunk: ChunkOutcome[T]


@dataclass(slots=True)
class BatchReport(Generic[T]):
    """The result of ``create_many``/``read_many``/``update_many``/``archive_many``.

    ``results`` and ``failures`` are sorted by input index; together they hold every
    input exactly once (unless the job ran with ``collect=False``, which keeps only the
    counts and the failures so that memory stays flat for huge jobs). By default
    (``collect="ids"``) each result holds its input's index, key and HubSpot id, and
    ``item`` is None; ``collect=True`` keeps the returned pages in ``item``.

    ``retries`` counts HTTP retries made by the client during the job, ``resubmitted``
    inputs sent again by the bulk layer (after a canceled batch or an unknown outcome),
    ``reconciled`` inputs found by lookup instead of being sent again, ``skipped``
    inputs a previous run had already completed (journal), ``polls`` status polls of
    non-terminal batches and ``canceled_batches`` batches that ended CANCELED.
    ``rate_limited`` counts 429 answers and ``rate_limit_wait_seconds`` the time spent
    waiting for the rate limit.
    """

    operation: str
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0
    chunks: int = 0
    retries: int = 0
    resubmitted: int = 0
    reconciled: int = 0
    polls: int = 0
    canceled_batches: int = 0
    rate_limited: int = 0
    rate_limit_wait_seconds: float = 0.0
    duration: float = 0.0
    results: list[Succeeded[T]] = field(default_factory=list)
    failures: list[Failed] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return self.failed == 0

    @property
    def ids(self) -> list[str | None]:
        """Resulting ids of the succeeded inputs, in input order."""
        return [s.id for s in self.results]

    @property
    def items(self) -> list[T]:
        """The pages or folders HubSpot returned, in input order (journal skips excluded;
        empty unless the job ran with ``collect=True``)."""
        return [s.item for s in self.results if s.item is not None]

    def outcomes(self) -> Iterator[Outcome[T]]:
        """Every outcome, successes and failures merged, in input order."""
        return heapq.merge(self.results, self.failures, key=lambda o: o.index)

    def add(self, chunk: ChunkOutcome[T], *, collect: Collect) -> None:
        """Fold one chunk's outcome into the totals."""
        self.chunks += int(chunk.submitted)
        self.succeeded += len(chunk.succeeded)
        self.failed += len(chunk.failed)
        self.total += len(chunk.succeeded) + len(chunk.failed)
        self.skipped += chunk.skipped
        self.resubmitted += chunk.resubmitted
        self.reconciled += chunk.reconciled
        self.polls += chunk.polls
        self.canceled_batches += chunk.canceled_batches
        if collect == "ids":
            self.results.extend(
                s if s.item is None else Succeeded(s.index, s.key, s.id, None, s.via)
                for s in chunk.succeeded
            )
        elif collect:
            self.results.extend(chunk.succeeded)
        # Failures are kept even without ``collect``: they are what a caller must act on.
        self.failures.extend(chunk.failed)

    def finish(self) -> None:
        """Put outcomes back in input order (chunks complete in any order)."""
        self.results.sort(key=lambda s: s.index)
        self.failures.sort(key=lambda f: f.index)

    def summary(self) -> str:
        """One line for logs and the CLI."""
        return (
            f"{self.operation}: {self.total} inputs, {self.succeeded} succeeded "
            f"({self.skipped} already done, {self.reconciled} reconciled), {self.failed} failed; "
            f"{self.chunks} chunks, {self.polls} polls, {self.canceled_batches} canceled, "
            f"{self.retries} retries, {self.resubmitted} resubmitted, "
            f"{self.rate_limited} rate-limited ({self.rate_limit_wait_seconds:.1f}s waiting), "
            f"{self.duration:.1f}s"
        )
