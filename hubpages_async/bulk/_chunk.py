"""One chunk of a bulk job, from first send to a per-input outcome.

A chunk is sent as one batch request; whatever happens to it becomes outcome values
(``Succeeded``/``Failed``) rather than exceptions, so one bad chunk never cancels the
job's task group. The loop per chunk:

1. inputs whose earlier send may have been applied (``reconcile``) are looked up first
   (creates only: reads, updates and archives are idempotent and simply resent);
2. the rest are sent; a non-terminal envelope is polled to COMPLETE or CANCELED;
3. results and 207 errors are mapped back to inputs; inputs left without an answer
   (a CANCELED batch, a lost response) go round again, at most ``max_rounds`` times.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Generic, Literal, TypeVar

from .. import errors
from ..models import BatchResponse, StandardError
from ._map import Item, Mapped, map_by_id, map_create, text_attr
from ._poll import IncompleteBatch, PollPolicy, RequestClient, poll_batch
from ._report import ChunkOutcome, Failed, Succeeded

__all__ = ["UNCERTAIN_CATEGORIES", "ChunkRunner", "Operation"]

T = TypeVar("T")
V = TypeVar("V")

Operation = Literal["create", "read", "update", "archive"]

#: Submits one batch: returns the envelope, or None for archive (204, no body).
Submit = Callable[[list[Any]], Awaitable[BatchResponse[T] | None]]
#: Lists existing objects with the given filters (used to reconcile creates).
Lookup = Callable[..., Any]

# How many slugs/names one reconcile lookup puts in ``slug__in``/``name__in``: keeps
# the query string well under common URL length limits.
_LOOKUP_BATCH = 50
_LOOKUP_ATTEMPTS = 4

# Errors after which a request may or may not have been applied (a 2xx body that did not
# decode counts: the server answered success). Everything else in APIStatusError is a
# definite refusal of the whole batch.
_UNKNOWN = (
    errors.OutcomeUnknownError,
    errors.APIConnectionError,
    errors.ServerError,
    errors.LockedError,
    errors.ResponseValidationError,
    errors.IncompleteBatchError,
)


#: Failure categories after which an input may nonetheless have been applied.
UNCERTAIN_CATEGORIES: Final = frozenset(
    {"OUTCOME_UNKNOWN", "INCOMPLETE_BATCH", "RETRIES_EXHAUSTED", "CANCELED"}
)

# A client-side ValidationError names the offending input as ``pages[3]`` (or
# ``pages[3].id``, ``folders[0].name``): its position in the batch.
_INPUT_FIELD = re.compile(r"^\w+\[(\d+)\]")


class _Empty:
    """Nothing was sent: every input of the chunk was refused before sending."""


@dataclass(slots=True)
class ChunkRunner(Generic[V, T]):
    """Runs chunks of one operation against one resource (shared by the job's workers)."""

    operation: Operation
    submit: Submit[T]
    client: RequestClient
    response_type: type[BatchResponse[T]]
    poll: PollPolicy
    max_rounds: int
    #: ``resource.list`` for creates (reconcile lookups); None for other operations.
    lookup: Lookup | None = None
    #: Reconcile only considers objects created after this (an earlier page with the same
    #: name is not ours); the job's start, or its first run's start when resumed.
    created_after: datetime | None = None
    #: Id of each input for read/update/archive mapping (None for create).
    id_of: Callable[[V], str] | None = None
    #: Called with the seconds waited after a 429 that reached the bulk layer.
    on_rate_wait: Callable[[float], None] | None = None

    async def run(self, items: list[Item[V]]) -> ChunkOutcome[T]:
        """Process one chunk to a per-input outcome; never raises for API failures."""
        out: ChunkOutcome[T] = ChunkOutcome()
        pending = items
        if self.id_of is not None:
            pending = [item for item in items if self.id_of(item.value)]
            out.failed.extend(
                Failed(i.index, i.key, "VALIDATION_ERROR", f"{self.operation} input has no id")
                for i in items
                if not self.id_of(i.value)
            )
        rounds = 0
        last_reason = ""
        while pending:
            if self.operation == "create" and any(item.reconcile for item in pending):
                # Only what may have been applied is looked up: an input never sent
                # whose slug is taken must come back as HubSpot's CONFLICT, not as ours.
                unsent = [item for item in pending if not item.reconcile]
                still_missing = await self._reconcile(
                    [item for item in pending if item.reconcile], out
                )
                pending = sorted(unsent + still_missing, key=lambda item: item.index)
                if not pending:
                    break
            if rounds >= self.max_rounds:
                category = "CANCELED" if last_reason == "CANCELED" else "RETRIES_EXHAUSTED"
                message = f"no result after {rounds} sends (last: {last_reason})"
                out.failed.extend(Failed(i.index, i.key, category, message) for i in pending)
                break
            if rounds:
                out.resubmitted += len(pending)
                await self.poll.sleep(
                    min(self.poll.initial_delay * 2 ** (rounds - 1), self.poll.max_delay)
                )
            rounds += 1
            pending, last_reason = await self._attempt(pending, out)
        return out

    # -- one send ----------------------------------------------------------------------

    async def _attempt(
        self, items: list[Item[V]], out: ChunkOutcome[T]
    ) -> tuple[list[Item[V]], str]:
        """Send ``items`` once; return those to send again and why."""
        try:
            response = await self._submit(items, out)
        except errors.RateLimitError as exc:
            if exc.is_daily:
                self._fail_all(items, out, exc.category or "RATE_LIMITS", exc.message, 429, exc)
                return [], "DAILY"
            # The client already waited and retried; back off once more at this level.
            wait = exc.retry_after if exc.retry_after is not None else 1.0
            if self.on_rate_wait is not None:
                self.on_rate_wait(wait)
            await self.poll.sleep(wait)
            return items, "429"
        except _UNKNOWN as exc:
            return self._unknown(items), type(exc).__name__
        except errors.BadRequestError as exc:
            if len(items) > 1:
                return await self._bisect(items, out)
            self._fail_all(items, out, exc.category or "VALIDATION_ERROR", exc.message, 400, exc)
            return [], ""
        except errors.APIStatusError as exc:
            self._fail_all(items, out, exc.category or "ERROR", exc.message, exc.status, exc)
            return [], ""
        except errors.ValidationError as exc:
            self._fail_all(items, out, "VALIDATION_ERROR", str(exc), None, exc)
            return [], ""
        if isinstance(response, _Empty):
            return [], ""
        if response is None:  # archive: 204, HubSpot says nothing per id
            ids = self._ids(items)
            out.succeeded.extend(
                Succeeded(i.index, i.key, ids[n], None) for n, i in enumerate(items)
            )
            return [], ""
        if not response.is_terminal:
            try:
                polled = await poll_batch(self.client, response, self.response_type, self.poll)
            except _UNKNOWN as exc:
                return self._unknown(items), f"poll failed: {type(exc).__name__}"
            except errors.APIStatusError as exc:
                # The status link refused us (gone, forbidden): we cannot know the outcome.
                return self._unknown(items), f"poll failed: {exc.status}"
            out.polls += polled.polls
            if isinstance(polled.response, IncompleteBatch):
                await self._incomplete(items, polled.response, out)
                return [], "INCOMPLETE_BATCH"
            response = polled.response
        mapped = self._map(items, response)
        out.succeeded.extend(
            Succeeded(i.index, i.key, text_attr(r, "id"), r) for i, r in mapped.matched
        )
        out.failed.extend(self._failed(i, e) for i, e in mapped.errors)
        reason = "no result"
        if response.status == "CANCELED":
            out.canceled_batches += 1
            reason = "CANCELED"
        return self._unknown(mapped.unanswered), reason

    async def _submit(
        self, items: list[Item[V]], out: ChunkOutcome[T]
    ) -> BatchResponse[T] | _Empty | None:
        """Send ``items``. An input the client refuses before sending (a ValidationError
        naming ``pages[i]``) fails alone and is removed from ``items`` in place, so one
        bad input does not sink the other 99."""
        while items:
            try:
                return await self.submit([item.value for item in items])
            except errors.ValidationError as exc:
                match = _INPUT_FIELD.match(exc.field)
                if match is None or int(match[1]) >= len(items):
                    raise
                bad = items.pop(int(match[1]))
                out.failed.append(
                    Failed(bad.index, bad.key, "VALIDATION_ERROR", str(exc), None, exc)
                )
        return _Empty()

    async def _bisect(
        self, items: list[Item[V]], out: ChunkOutcome[T]
    ) -> tuple[list[Item[V]], str]:
        """A 400 for a whole batch: one bad input may sink the batch (or the batch is
        over the server's cap), so send each half on its own until the culprit stands
        alone. Costs O(bad inputs x log chunk size) requests, nothing when all is well."""
        half = len(items) // 2
        again: list[Item[V]] = []
        why = ""
        for part in (items[:half], items[half:]):
            rest, reason = await self._attempt(part, out)
            again.extend(rest)
            why = reason or why
        return again, why

    def _map(self, items: list[Item[V]], response: BatchResponse[T]) -> Mapped[V, T]:
        if self.operation == "create":
            return map_create(items, response)
        return map_by_id(items, self._ids(items), response)

    def _ids(self, items: Sequence[Item[V]]) -> list[str]:
        id_of = self.id_of if self.id_of is not None else (lambda v: str(v))
        return [id_of(item.value) for item in items]

    def _unknown(self, items: list[Item[V]]) -> list[Item[V]]:
        # Only creates need the lookup; the flag is harmless on idempotent operations.
        for item in items:
            item.reconcile = True
        return items

    @staticmethod
    def _failed(item: Item[V], error: StandardError) -> Failed:
        category = error.category if isinstance(error.category, str) else "ERROR"
        message = error.message if isinstance(error.message, str) else ""
        return Failed(item.index, item.key, category, message, None, error)

    @staticmethod
    def _fail_all(
        items: Sequence[Item[V]],
        out: ChunkOutcome[T],
        category: str,
        message: str,
        status: int | None,
        error: object,
    ) -> None:
        out.failed.extend(Failed(i.index, i.key, category, message, status, error) for i in items)

    async def _incomplete(
        self, items: list[Item[V]], incomplete: IncompleteBatch, out: ChunkOutcome[T]
    ) -> None:
        """A batch that never finished: never success; creates that show up count."""
        if self.operation == "create":
            self._unknown(items)
            items = await self._reconcile(items, out)
        message = f"batch still {incomplete.status}: {incomplete.reason}"
        error = errors.IncompleteBatchError(message)
        self._fail_all(items, out, "INCOMPLETE_BATCH", message, None, error)

    # -- reconcile (creates) -----------------------------------------------------------

    async def _reconcile(self, items: list[Item[V]], out: ChunkOutcome[T]) -> list[Item[V]]:
        """Count inputs that already exist as created; return the rest, safe to send."""
        if self.poll.settle_delay > 0:
            # A list may lag a write that just committed; give it a moment first.
            await self.poll.sleep(self.poll.settle_delay)
        try:
            found = await self._find_existing(items)
        except (errors.APIError, errors.ValidationError) as exc:
            # Without a lookup, resending could create a duplicate: report instead. The
            # journal marks these failed, so a rerun looks them up again.
            message = f"could not check whether the batch was applied: {exc}"
            self._fail_all(items, out, "OUTCOME_UNKNOWN", message, None, exc)
            return []
        rest: list[Item[V]] = []
        for pos, item in enumerate(items):
            if pos in found:
                obj = found[pos]
                out.succeeded.append(
                    Succeeded(item.index, item.key, text_attr(obj, "id"), obj, "reconciled")
                )
                out.reconciled += 1
            else:
                item.reconcile = False
                rest.append(item)
        return rest

    async def _find_existing(self, items: Sequence[Item[V]]) -> dict[int, T]:
        """Positions in ``items`` whose object exists: by slug when it has one, else name."""
        assert self.lookup is not None, "reconcile needs resource.list"
        by: dict[str, dict[str, deque[int]]] = {
            "slug": defaultdict(deque),
            "name": defaultdict(deque),
        }
        for pos, item in enumerate(items):
            slug = text_attr(item.value, "slug")
            if slug is not None:
                by["slug"][slug].append(pos)
            elif (name := text_attr(item.value, "name")) is not None:
                by["name"][name].append(pos)
        found: dict[int, T] = {}
        for field, wanted in by.items():
            values = list(wanted)
            for start in range(0, len(values), _LOOKUP_BATCH):
                part = values[start : start + _LOOKUP_BATCH]
                for obj in await self._list_retrying({f"{field}__in": part}):
                    value = text_attr(obj, field)
                    queue = wanted.get(value or "")
                    for pos in list(queue or ()):
                        if self._same_place(items[pos].value, obj):
                            found[pos] = obj
                            queue.remove(pos)  # type: ignore[union-attr]
                            break
        return found

    async def _list_retrying(self, filters: dict[str, Any]) -> list[T]:
        """One lookup (a few pages at most), retried a few times on transient failures."""
        assert self.lookup is not None
        kwargs: dict[str, Any] = dict(filters, limit=100)
        if self.created_after is not None:
            kwargs["created_after"] = self.created_after
        for attempt in range(1, _LOOKUP_ATTEMPTS + 1):
            try:
                return [obj async for obj in self.lookup(**kwargs)]
            except _UNKNOWN:
                if attempt == _LOOKUP_ATTEMPTS:
                    raise
                await self.poll.sleep(
                    min(self.poll.initial_delay * 2**attempt, self.poll.max_delay)
                )
        raise AssertionError("unreachable")

    @staticmethod
    def _same_place(wanted: object, found: object) -> bool:
        # Slugs are unique per domain and language: a page with our slug on another
        # domain or in another language is not ours. Likewise a page or folder with our
        # name in another folder.
        for attr in ("domain", "language", "folder_id", "parent_folder_id"):
            want = text_attr(wanted, attr)
            if want is not None and text_attr(found, attr) not in (None, want):
                return False
        return True
