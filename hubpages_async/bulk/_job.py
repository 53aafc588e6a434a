"""The pipeline every bulk job runs: producer -> chunk workers -> collector.

The producer reads the caller's inputs as a stream, cuts them into chunks, names each
input (its key), skips what the journal says is done and marks the rest ``pending``
(committed) before handing a chunk on; ``concurrency`` workers each run one chunk at a
time (``ChunkRunner``); the collector writes failures to the journal, folds outcomes
into the report and calls ``on_progress``. Both hand-offs are bounded anyio memory
object streams, which is what keeps memory flat whatever the input length.

Keys: a create job with a journal names each input by its content
(``_identity.content_key``) plus its occurrence among identical inputs, so a rerun over
an input file whose lines were added, removed or reordered skips exactly the inputs that
are done and sends the others; an edited line is a new input. ``key=`` overrides that
(a source-system id, say); a key seen twice in one run is refused for the second input,
since the journal could not tell the two apart.

Credits: every page a create job counts goes through the journal (``Claims``), a
scratch one when the caller gave none, so no page is ever credited to two inputs.
"""

from __future__ import annotations

import inspect
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ..errors import (
    APIConnectionError,
    LimiterUnavailableError,
    ValidationError,
    connection_error_behind,
)
from ._chunk import (
    OUTCOME_UNKNOWN,
    ChunkRunner,
    Operation,
    is_refused_token,
    never_sent,
)
from ._chunks import Inputs, iter_chunks
from ._claims import Claims
from ._identity import content_key
from ._map import Item
from ._poll import PollPolicy
from ._report import BatchProgress, BatchReport, ChunkOutcome, Collect, Failed, Succeeded
from .journal import Journal

__all__ = [
    "DUPLICATE_KEY",
    "MAX_CHUNK_SIZE",
    "JobOptions",
    "KeyFunc",
    "ProgressCallback",
    "run_job",
]

T = TypeVar("T")
V = TypeVar("V")

#: ``on_progress`` may be a plain function or a coroutine function.
ProgressCallback = Callable[[BatchProgress[Any]], object]
#: ``key(input) -> str`` names an input in the journal.
KeyFunc = Callable[[Any], str]

#: HubSpot's batch maximum (assumed, like every client of the API): 100 inputs.
MAX_CHUNK_SIZE: Final = 100

#: The category of an input refused because its key repeats an earlier input's.
DUPLICATE_KEY: Final = "DUPLICATE_KEY"

# Reconcile lookups only trust objects created after the job started, minus this margin
# for clock skew between us and the server.
_CLOCK_SKEW: Final = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class JobOptions:
    """The keyword arguments every bulk function shares."""

    chunk_size: int
    concurrency: int
    on_progress: ProgressCallback | None
    journal: Journal | str | os.PathLike[str] | None
    key: KeyFunc | None
    poll: PollPolicy | None
    max_rounds: int
    collect: Collect


async def run_job(runner: ChunkRunner[V, T], inputs: Inputs[V], opts: JobOptions) -> BatchReport[T]:
    """Run one bulk job: producer -> ``concurrency`` chunk workers -> collector.

    Raises the server's typed error (``AuthenticationError``, ``PermissionDeniedError``)
    if it refuses the token: nothing more is sent, and the journal stays valid.
    """
    chunk_size, concurrency, collect = opts.chunk_size, opts.concurrency, opts.collect
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValidationError(
            "chunk_size",
            f"must be 1 to {MAX_CHUNK_SIZE} (HubSpot's batch maximum), got {chunk_size}",
        )
    if concurrency < 1:
        raise ValidationError("concurrency", f"must be at least 1, got {concurrency}")
    started = time.monotonic()
    operation = runner.operation
    journal = _journal_for(operation, opts.journal)
    report: BatchReport[T] = BatchReport(operation)
    stats = _StatsDelta(runner.client)
    rate_waits = _RateWaits()
    runner.on_rate_wait = rate_waits.add
    naming = _Naming(operation, runner, opts.key, journal)
    gone = _ServerGone()

    # Bounded buffers are what keep memory flat: the producer waits while the workers
    # are busy, the workers wait while the collector writes the journal.
    send_work, recv_work = anyio.create_memory_object_stream[list[Item[V]]](concurrency)
    send_out, recv_out = anyio.create_memory_object_stream[ChunkOutcome[T]](concurrency)
    try:
        job_start = datetime.now(UTC)
        if journal is not None:
            await journal.open(operation, key_scheme=naming.scheme)
            if journal.started_at is not None:
                job_start = datetime.fromtimestamp(journal.started_at, UTC)
            if operation == "create":
                runner.claims = Claims(journal)
        runner.created_after = job_start - _CLOCK_SKEW
        with _unwrap(report):
            async with anyio.create_task_group() as tg:
                tg.start_soon(_produce, inputs, chunk_size, naming, send_work, send_out.clone())
                for _ in range(concurrency):
                    tg.start_soon(_work, runner, gone, recv_work.clone(), send_out.clone())
                recv_work.close()
                send_out.close()
                async with recv_out:
                    async for outcome in recv_out:
                        if journal is not None and journal.durable:
                            await _journal_outcome(journal, operation, outcome)
                        report.add(outcome, collect=collect)
                        stats.update(report, rate_waits)
                        report.duration = time.monotonic() - started
                        if opts.on_progress is not None:
                            await _notify(opts.on_progress, report, outcome)
    finally:
        if journal is not None:
            # Shielded: a cancelled job must still close its journal (and its file).
            with anyio.CancelScope(shield=True):
                await journal.aclose()
    report.finish()
    stats.update(report, rate_waits)
    report.duration = time.monotonic() - started
    return report


def _journal_for(
    operation: Operation, journal: Journal | str | os.PathLike[str] | None
) -> Journal | None:
    """The caller's journal, or for a create without one, a scratch journal for credits."""
    if isinstance(journal, Journal):
        return journal
    if journal is not None:
        return Journal(journal, job=operation)
    return Journal.temporary(job=operation) if operation == "create" else None


class _Naming:
    """How the job names its inputs (their journal keys)."""

    def __init__(
        self,
        operation: Operation,
        runner: ChunkRunner[Any, Any],
        key: KeyFunc | None,
        journal: Journal | None,
    ) -> None:
        self.journal = journal if journal is not None and journal.durable else None
        self.custom = key
        self.id_of = runner.id_of if runner.id_of is not None else str
        self.by_content = key is None and operation == "create"
        self.scheme = "custom" if key is not None else ("content" if self.by_content else "id")

    async def name(self, chunk: list[tuple[int, V]]) -> tuple[list[Item[V]], list[Failed]]:
        """Items for a chunk, and the inputs refused because their key repeats."""
        if self.custom is not None:
            keys = [self.custom(value) for _index, value in chunk]
        elif self.by_content:
            if self.journal is None:
                # No resume without a journal: the position names an input uniquely.
                return [Item(index, f"#{index}", value) for index, value in chunk], []
            keys = [content_key(value) for _index, value in chunk]
        else:
            keys = [self.id_of(value) or f"#{index}" for index, value in chunk]
        if self.journal is None or self.scheme == "id":
            return [Item(i, k, v) for (i, v), k in zip(chunk, keys, strict=True)], []
        seen = await self.journal.number_keys(keys)
        items: list[Item[V]] = []
        refused: list[Failed] = []
        for (index, value), key, n in zip(chunk, keys, seen, strict=True):
            if self.by_content:
                # Identical inputs are told apart by their occurrence, which a rerun over
                # the same inputs reproduces whatever their order.
                items.append(Item(index, f"{key}#{n}", value))
            elif n:
                message = (
                    f"key {key!r} repeats an earlier input's: the journal cannot tell them apart"
                )
                refused.append(Failed(index, key, DUPLICATE_KEY, message))
            else:
                items.append(Item(index, key, value))
        return items, refused


async def _produce(
    inputs: Inputs[V],
    chunk_size: int,
    naming: _Naming,
    send_work: MemoryObjectSendStream[list[Item[V]]],
    send_out: MemoryObjectSendStream[ChunkOutcome[T]],
) -> None:
    async with send_work, send_out:
        async for chunk in iter_chunks(inputs, chunk_size):
            items, refused = await naming.name(chunk)
            if refused:
                await send_out.send(ChunkOutcome(failed=refused, submitted=False))
            journal = naming.journal
            if journal is not None:
                items = await _skip_done(journal, items, send_out)
                if not items:
                    continue
                # Committed before the send: a kill after HubSpot applied the batch leaves
                # these ``pending``, and the rerun looks them up instead of resending.
                await journal.mark_pending([(item.key, item.index) for item in items])
            await send_work.send(items)


async def _skip_done(
    journal: Journal,
    items: list[Item[V]],
    send_out: MemoryObjectSendStream[ChunkOutcome[T]],
) -> list[Item[V]]:
    """Report inputs a previous run finished; flag those it left in flight."""
    seen = await journal.lookup([item.key for item in items])
    skipped: ChunkOutcome[T] = ChunkOutcome(submitted=False)
    todo: list[Item[V]] = []
    for item in items:
        entry = seen.get(item.key)
        if entry is not None and entry.state == "done":
            skipped.succeeded.append(
                Succeeded(item.index, item.key, entry.result_id, None, "journal")
            )
        else:
            # In flight when the last run died, or its outcome stayed unknown: it may
            # have been applied, so look before sending. A definite refusal (CONFLICT,
            # VALIDATION_ERROR) is simply sent again.
            item.reconcile = entry is not None and entry.state == "pending"
            todo.append(item)
    if skipped.succeeded:
        skipped.skipped = len(skipped.succeeded)
        await send_out.send(skipped)
    return todo


class _ServerGone:
    """Set by the first chunk that met a refused connection after the client's retries:
    the server is not accepting any, so later chunks are reported instead of sent (each
    would otherwise spend its retries, lookups and rounds on it: minutes on a big file)."""

    cause: APIConnectionError | None = None

    def notice(self, outcome: ChunkOutcome[Any]) -> None:
        if self.cause is None:
            self.cause = next(filter(None, map(_refused_connection, outcome.failed)), None)

    def unsent(self, items: list[Item[V]]) -> ChunkOutcome[T]:
        """The chunk's inputs, not sent (as :func:`never_sent` reports them)."""
        assert self.cause is not None, "only once the server is gone"
        return ChunkOutcome(failed=never_sent(items, self.cause), submitted=False)


def _refused_connection(failure: Failed) -> APIConnectionError | None:
    """The connection failure behind ``failure`` that proves nothing reached the server."""
    error = connection_error_behind(failure.error)
    return error if error is not None and not error.request_sent else None


async def _work(
    runner: ChunkRunner[V, T],
    gone: _ServerGone,
    recv_work: MemoryObjectReceiveStream[list[Item[V]]],
    send_out: MemoryObjectSendStream[ChunkOutcome[T]],
) -> None:
    async with recv_work, send_out:
        async for items in recv_work:
            if gone.cause is not None:
                await send_out.send(gone.unsent(items))
                continue
            outcome = await runner.run(items)
            gone.notice(outcome)
            await send_out.send(outcome)


async def _journal_outcome(
    journal: Journal, operation: Operation, outcome: ChunkOutcome[Any]
) -> None:
    # A create's successes were recorded as they were credited (``Claims``).
    done = (
        []
        if operation == "create"
        else [(s.key, s.index, s.id) for s in outcome.succeeded if s.via != "journal"]
    )
    failed = [
        (f.key, f.index, f.category, f.message)
        for f in outcome.failed
        # A repeated key is not journaled: its entry belongs to the first input.
        if f.category not in (OUTCOME_UNKNOWN, DUPLICATE_KEY)
    ]
    uncertain = [
        (f.key, f.index, f.category, f.message)
        for f in outcome.failed
        if f.category == OUTCOME_UNKNOWN
    ]
    if done or failed or uncertain:
        await journal.record(done, failed, uncertain)


async def _notify(
    callback: ProgressCallback, report: BatchReport[T], chunk: ChunkOutcome[T]
) -> None:
    event = BatchProgress(
        operation=report.operation,
        chunks_done=report.chunks,
        succeeded=report.succeeded,
        failed=report.failed,
        skipped=report.skipped,
        retries=report.retries,
        resubmitted=report.resubmitted,
        rate_limited=report.rate_limited,
        rate_limit_wait_seconds=report.rate_limit_wait_seconds,
        elapsed=report.duration,
        chunk=chunk,
    )
    result = callback(event)
    if inspect.isawaitable(result):
        await result


class _StatsDelta:
    """The client's counters since the job started (client-wide: concurrent jobs on the
    same client share them)."""

    _FIELDS = ("retries", "rate_limited_429", "throttle_wait_seconds")

    def __init__(self, client: object) -> None:
        self._stats = getattr(client, "stats", None)
        self._base = {name: self._read(name) for name in self._FIELDS}

    def _read(self, name: str) -> float:
        value = getattr(self._stats, name, 0) if self._stats is not None else 0
        return float(value) if isinstance(value, int | float) else 0.0

    def update(self, report: BatchReport[Any], rate_waits: _RateWaits) -> None:
        delta = {name: self._read(name) - self._base[name] for name in self._FIELDS}
        report.retries = int(delta["retries"])
        report.rate_limited = int(delta["rate_limited_429"])
        report.rate_limit_wait_seconds = delta["throttle_wait_seconds"] + rate_waits.seconds


@dataclass(slots=True)
class _RateWaits:
    """Waits the bulk layer itself made after a 429 that outlasted the client's retries."""

    count: int = 0
    seconds: float = 0.0

    def add(self, seconds: float) -> None:
        self.count += 1
        self.seconds += seconds


@contextmanager
def _unwrap(report: BatchReport[Any]) -> Iterator[None]:
    """Raise a lone failure (say, the caller's input iterator raising) as itself rather
    than wrapped in the task group's ExceptionGroup; so too an error that stops the job
    (a refused token, a lost shared limiter), however many workers met it at once, with
    a note of how far the job got."""
    try:
        yield
    except BaseExceptionGroup as group:
        first = group.exceptions[0]
        if len(group.exceptions) == 1 or all(_stops_job(e) for e in group.exceptions):
            if _stops_job(first):
                first.add_note(
                    f"the bulk job stopped: {report.succeeded} inputs done, nothing more sent"
                )
            raise first from None
        raise


def _stops_job(exc: BaseException) -> bool:
    """An error no input of the job can get past: the job stops, its journal intact."""
    return is_refused_token(exc) or isinstance(exc, LimiterUnavailableError)
