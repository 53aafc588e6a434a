"""One chunk of a bulk job, from first send to a per-input outcome.

A chunk is sent as one batch request; whatever happens to it becomes outcome values
(``Succeeded``/``Failed``) rather than exceptions, so one bad chunk never cancels the
job's task group. The loop per chunk:

1. inputs whose earlier send may have been applied (``reconcile``) are looked up first
   (creates only: reads, updates and archives are idempotent and simply resent); a
   page found is credited only if it carries the input's content and no other input
   of the job holds it (``_identity.matches``, ``Claims``);
2. the rest are sent; a non-terminal envelope is polled to COMPLETE or CANCELED;
3. results and 207 errors are mapped back to inputs; inputs left without an answer
   (a CANCELED batch, a lost response, an empty or unplaceable 2xx) go round again, at
   most ``max_rounds`` times, and are then reported ``OUTCOME_UNKNOWN``: an answer that
   does not prove what happened is never counted as success.

A refused token (401, 403, ``MISSING_SCOPES``) is not a per-input failure: it raises
out of the chunk, and the job stops.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Generic, Literal, TypeVar

from .. import errors
from ..models import BatchResponse, StandardError
from ._claims import Claims
from ._identity import is_hubspot_id, matches, same_url_holder
from ._map import Item, Mapped, map_by_id, map_create, text_attr
from ._poll import IncompleteBatch, PollPolicy, RequestClient, poll_batch
from ._report import ChunkOutcome, Failed, Succeeded

__all__ = [
    "NOT_SENT",
    "OUTCOME_UNKNOWN",
    "ChunkRunner",
    "Operation",
    "is_refused_token",
    "never_sent",
]

T = TypeVar("T")
V = TypeVar("V")

log = logging.getLogger("hubpages_async")

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


#: The category of a create that may or may not have been applied: failed in the
#: report, ``pending`` in the journal (a rerun looks it up before sending it again).
OUTCOME_UNKNOWN: Final = "OUTCOME_UNKNOWN"

#: The category of an input that never reached the server: its connection was refused
#: through all of the client's retries, or the server stopped accepting connections
#: earlier in the job (``error`` is that refused connection); a rerun sends it.
NOT_SENT: Final = "NOT_SENT"


def is_refused_token(exc: BaseException) -> bool:
    """A 401, a 403, or a ``MISSING_SCOPES`` answer: no input of the job can succeed."""
    return isinstance(exc, errors.AuthenticationError | errors.PermissionDeniedError) or (
        isinstance(exc, errors.APIStatusError) and exc.category == "MISSING_SCOPES"
    )


# A client-side ValidationError names the offending input as ``pages[3]`` (or
# ``pages[3].id``, ``folders[0].name``): its position in the batch.
_INPUT_FIELD = re.compile(r"^\w+\[(\d+)\]")


class _Empty:
    """Nothing was sent: every input of the chunk was refused before sending."""


#: Why a send left inputs to send again: a word ("CANCELED", "429"...) or the error that
#: proved nothing, kept so an input given up on reports it (an unreachable server shows).
_Reason = str | errors.HubPagesError


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
    #: Creates only: where credits are checked and recorded (set by the job).
    claims: Claims[T] | None = None

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
        last_reason: _Reason = ""
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
                self._give_up(pending, rounds, last_reason, out)
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
    ) -> tuple[list[Item[V]], _Reason]:
        """Send ``items`` once; return those to send again and why."""
        try:
            response = await self._submit(items, out)
        except errors.APIStatusError as exc:
            if is_refused_token(exc):
                raise
            return await self._refused(items, exc, out)
        except _UNKNOWN as exc:
            refused = errors.connection_error_behind(exc)
            if refused is not None and not refused.request_sent:
                out.failed.extend(never_sent(items, refused))
                return [], refused
            return self._unknown(items), exc
        except errors.ValidationError as exc:
            self._fail_all(items, out, "VALIDATION_ERROR", str(exc), None, exc)
            return [], ""
        if isinstance(response, _Empty):
            return [], ""
        if response is None:
            if self.operation != "archive":
                # An empty 2xx proves nothing about what the server did.
                return self._unknown(items), "empty answer"
            # archive: 204, HubSpot says nothing per id
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
        unanswered = mapped.unanswered
        if self.operation == "create":
            unanswered = unanswered + await self._credit_results(mapped.matched, out)
        else:
            out.succeeded.extend(
                Succeeded(i.index, i.key, text_attr(r, "id"), r) for i, r in mapped.matched
            )
        out.failed.extend(self._failed(i, e, response) for i, e in mapped.errors)
        reason = "no result"
        if response.status == "CANCELED":
            out.canceled_batches += 1
            reason = "CANCELED"
        return self._unknown(sorted(unanswered, key=lambda i: i.index)), reason

    async def _refused(
        self, items: list[Item[V]], exc: errors.APIStatusError, out: ChunkOutcome[T]
    ) -> tuple[list[Item[V]], _Reason]:
        """The whole batch was answered with an error status."""
        if isinstance(exc, errors.RateLimitError):
            if exc.is_daily:
                self._fail_all(items, out, exc.category or "RATE_LIMITS", exc.message, 429, exc)
                return [], "DAILY"
            # The client already waited and retried; back off once more at this level.
            await self._rate_wait(exc)
            return items, "429"
        if isinstance(exc, _UNKNOWN):
            return self._unknown(items), exc
        if isinstance(exc, errors.BadRequestError) and len(items) > 1:
            return await self._bisect(items, out)
        default = "VALIDATION_ERROR" if isinstance(exc, errors.BadRequestError) else "ERROR"
        self._fail_all(items, out, exc.category or default, exc.message, exc.status, exc)
        return [], ""

    async def _credit_results(
        self, matched: list[tuple[Item[V], T]], out: ChunkOutcome[T]
    ) -> list[Item[V]]:
        """Credit created pages to the inputs the envelope pairs them with; return the
        inputs whose pairing is not credible (no HubSpot id, another name or slug, or a
        page another input already holds): their outcome is unknown."""
        credible = [(item, page) for item, page in matched if _credible(item.value, page)]
        assert self.claims is not None, "the job sets claims for creates"
        credited = await self.claims.credit([(item, [page]) for item, page in credible])
        doubtful: list[Item[V]] = []
        for item, _page in matched:
            page = credited.get(item.index)
            if page is None:
                doubtful.append(item)
            else:
                out.succeeded.append(Succeeded(item.index, item.key, text_attr(page, "id"), page))
        return doubtful

    def _give_up(
        self, pending: list[Item[V]], rounds: int, last_reason: _Reason, out: ChunkOutcome[T]
    ) -> None:
        """No definite answer after ``max_rounds`` sends."""
        error = last_reason if isinstance(last_reason, errors.HubPagesError) else None
        label = type(error).__name__ if error is not None else last_reason
        message = f"no result after {rounds} sends (last: {label})"
        if self.operation == "create":
            # The last send may have been applied and not yet be visible: never success.
            category = OUTCOME_UNKNOWN
        else:
            category = "CANCELED" if last_reason == "CANCELED" else "RETRIES_EXHAUSTED"
        out.failed.extend(Failed(i.index, i.key, category, message, None, error) for i in pending)

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
    ) -> tuple[list[Item[V]], _Reason]:
        """A 400 for a whole batch: one bad input may sink the batch (or the batch is
        over the server's cap), so send each half on its own until the culprit stands
        alone. Costs O(bad inputs x log chunk size) requests, nothing when all is well."""
        half = len(items) // 2
        log.info(
            "%s batch of %d refused with 400; sending it as two halves to find the input",
            self.operation,
            len(items),
        )
        again: list[Item[V]] = []
        why: _Reason = ""
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
    def _failed(item: Item[V], error: StandardError, answer: BatchResponse[T]) -> Failed:
        """A per-input error of a 207: the answer's status and correlation id are its."""
        category = error.category if isinstance(error.category, str) else "ERROR"
        message = error.message if isinstance(error.message, str) else ""
        return Failed(
            item.index,
            item.key,
            category,
            message,
            answer.http_status,
            error,
            answer.correlation_id,
        )

    @staticmethod
    def _fail_all(
        items: Sequence[Item[V]],
        out: ChunkOutcome[T],
        category: str,
        message: str,
        status: int | None,
        error: object,
    ) -> None:
        # The correlation id of the answer that refused them (an APIStatusError's); an
        # outcome left unknown (no status) was refused by no answer, so has none.
        correlation_id = getattr(error, "correlation_id", None) if status is not None else None
        out.failed.extend(
            Failed(i.index, i.key, category, message, status, error, correlation_id) for i in items
        )

    async def _incomplete(
        self, items: list[Item[V]], incomplete: IncompleteBatch, out: ChunkOutcome[T]
    ) -> None:
        """A batch that never finished: never success; creates that show up count."""
        category = "INCOMPLETE_BATCH"
        if self.operation == "create":
            self._unknown(items)
            items = await self._reconcile(items, out)
            category = OUTCOME_UNKNOWN  # the batch may yet apply them
        message = f"batch still {incomplete.status}: {incomplete.reason}"
        error = errors.IncompleteBatchError(message)
        self._fail_all(items, out, category, message, None, error)

    # -- reconcile (creates) -----------------------------------------------------------

    async def _reconcile(self, items: list[Item[V]], out: ChunkOutcome[T]) -> list[Item[V]]:
        """Settle inputs whose earlier send may have been applied: credit the pages that
        carry their content and that no other input holds; fail with CONFLICT those
        whose URL another page holds; return the rest, safe to send."""
        if self.poll.settle_delay > 0:
            # A list may lag a write that just committed; give it a moment first.
            await self.poll.sleep(self.poll.settle_delay)
        try:
            found = await self._look_up(items)
        except (errors.APIError, errors.ValidationError) as exc:
            if is_refused_token(exc):
                raise
            # Without a lookup, resending could create a duplicate: report instead. The
            # journal keeps these pending, so a rerun looks them up again.
            message = f"could not check whether the batch was applied: {exc}"
            self._fail_all(items, out, OUTCOME_UNKNOWN, message, None, exc)
            return []
        offers = [
            (item, [page for page in pages if matches(item.value, page)])
            for item, pages in zip(items, found, strict=True)
        ]
        assert self.claims is not None, "the job sets claims for creates"
        credited = await self.claims.credit([offer for offer in offers if offer[1]])
        rest: list[Item[V]] = []
        for item, pages in zip(items, found, strict=True):
            page = credited.get(item.index)
            holder = next((p for p in pages if same_url_holder(item.value, p)), None)
            if page is not None:
                out.succeeded.append(
                    Succeeded(item.index, item.key, text_attr(page, "id"), page, "reconciled")
                )
                out.reconciled += 1
            elif holder is not None:
                # URLs are unique: with another page on ours, HubSpot can only refuse it.
                message = f"the URL is taken by {text_attr(holder, 'id')} (found by lookup)"
                out.failed.append(Failed(item.index, item.key, "CONFLICT", message, 409))
            else:
                item.reconcile = False
                rest.append(item)
        return rest

    async def _look_up(self, items: Sequence[Item[V]]) -> list[list[T]]:
        """For each input, the objects created since the job started that share its slug
        (when it has one) or else its name."""
        by: dict[str, dict[str, list[int]]] = {"slug": defaultdict(list), "name": defaultdict(list)}
        for pos, item in enumerate(items):
            slug = text_attr(item.value, "slug")
            if slug is not None:
                by["slug"][_slug_form(slug)].append(pos)
            elif (name := text_attr(item.value, "name")) is not None:
                by["name"][name].append(pos)
        found: list[list[T]] = [[] for _ in items]
        for field, wanted in by.items():
            values = list(wanted)
            for start in range(0, len(values), _LOOKUP_BATCH):
                part = values[start : start + _LOOKUP_BATCH]
                for obj in await self._list_retrying({f"{field}__in": part}):
                    value = text_attr(obj, field) or ""
                    for pos in wanted.get(_slug_form(value) if field == "slug" else value, ()):
                        found[pos].append(obj)
        return found

    async def _list_retrying(self, filters: dict[str, Any]) -> list[T]:
        """One lookup (a few pages at most), retried a few times on transient failures."""
        assert self.lookup is not None, "reconcile needs resource.list"
        kwargs: dict[str, Any] = dict(filters, limit=100)
        if self.created_after is not None:
            kwargs["created_after"] = self.created_after
        failures = rate_limited = 0
        while True:
            try:
                return [obj async for obj in self.lookup(**kwargs)]
            except _UNKNOWN:
                failures += 1
                if failures == _LOOKUP_ATTEMPTS:
                    raise
                await self.poll.sleep(
                    min(self.poll.initial_delay * 2**failures, self.poll.max_delay)
                )
            except errors.RateLimitError as exc:
                # A rolling-window 429 that outlasted the client's retries says "not
                # now", never "unknown": wait as a batch send would, as many times as a
                # chunk may be sent. Only the daily limit (or a 429 storm past that)
                # leaves the inputs unsettled.
                rate_limited += 1
                if exc.is_daily or rate_limited > self.max_rounds:
                    raise
                await self._rate_wait(exc)

    async def _rate_wait(self, exc: errors.RateLimitError) -> None:
        """Back off once more after a 429 that reached the bulk layer."""
        wait = exc.retry_after if exc.retry_after is not None else 1.0
        if self.on_rate_wait is not None:
            self.on_rate_wait(wait)
        await self.poll.sleep(wait)


def never_sent(items: Sequence[Item[Any]], refused: errors.APIConnectionError) -> list[Failed]:
    """Inputs whose send never reached the server (``refused``: a connection refused
    through all of the client's retries, or earlier in the job). One that an earlier
    send may have applied stays unknown (and pending in the journal): no lookup can be
    made either. The others were never sent."""
    message = f"not sent: the server could not be reached ({refused})"
    return [
        Failed(i.index, i.key, OUTCOME_UNKNOWN if i.reconcile else NOT_SENT, message, None, refused)
        for i in items
    ]


def _slug_form(slug: str) -> str:
    """A slug as HubSpot routes it: no leading slash, any case."""
    return slug.lstrip("/").lower()


def _credible(wanted: object, created: object) -> bool:
    """Whether a batch result can be the page made from ``wanted``: it has a HubSpot id,
    and its name and slug (when both sides show them) are the input's. A server that
    reorders or mixes up its results is then caught instead of believed."""
    if not is_hubspot_id(getattr(created, "id", None)):
        return False
    for field in ("name", "slug"):
        want, got = text_attr(wanted, field), getattr(created, field, None)
        if want is None or not isinstance(got, str) or not got:
            continue
        if (_slug_form(want) != _slug_form(got)) if field == "slug" else want != got:
            return False
    return True
