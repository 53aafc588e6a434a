"""Batch create/read/update/archive, the 207 mapping, and the opt-in async-batch mode.

Synchronous (HubSpot's behaviour): create answers 201, read/update 200, all three 207
with ``numErrors``/``errors[]`` when some inputs failed; archive answers 204.

Asynchronous (the emulator's own mode, facts file section 4): the work is applied at
submission, the answer carries the normal status code with ``status: "PENDING"``, empty
``results`` and ``links.status``; the first GET of that link reports PROCESSING, the next
ones the final envelope: COMPLETE (200, or 207 with errors) or CANCELED when the
``cancel`` fault fired (only a prefix of the inputs was applied).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import msgspec

from .errors import ApiError, bad_request, standard_error

__all__ = ["BatchJobs", "BatchOutcome", "envelope", "run_batch"]

_encode = msgspec.json.Encoder().encode
JOB_PATH: Final = "/emulator/batches/"


@dataclass(slots=True)
class BatchOutcome:
    """Encoded results (input order) and StandardError entries of one batch."""

    results: list[bytes] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    canceled: bool = False


def run_batch(
    inputs: Sequence[Any],
    apply_one: Callable[[int, Any], bytes | None],
    context_of: Callable[[int, Any], dict[str, list[str]]],
    *,
    limit: int | None = None,
) -> BatchOutcome:
    """Apply each input in order; an ApiError becomes a StandardError naming the input.

    ``limit`` stops after that many inputs (a CANCELED async batch).
    """
    out = BatchOutcome()
    for index, item in enumerate(inputs):
        if limit is not None and index >= limit:
            out.canceled = True
            break
        try:
            data = apply_one(index, item)
        except ApiError as err:
            out.errors.append(standard_error(err, context_of(index, item)))
            continue
        if data is not None:
            out.results.append(data)
    return out


def check_size(n: int, max_batch: int) -> None:
    """More inputs than the batch cap is a 400 (HubSpot-wide convention: 100)."""
    if n > max_batch:
        raise bad_request(
            f"Too many inputs: {n} (a batch takes at most {max_batch})",
            field="inputs",
            code="TOO_MANY",
        )


def envelope(
    status: str,
    results: list[bytes],
    errors: list[dict[str, Any]],
    started: datetime,
    completed: datetime | None,
    links: dict[str, str] | None = None,
) -> bytes:
    """Encode a batch response envelope around already-encoded results."""
    head: dict[str, Any] = {"status": status}
    if errors:
        head["numErrors"] = len(errors)
        head["errors"] = errors
    head["requestedAt"] = started
    head["startedAt"] = started
    if completed is not None:
        head["completedAt"] = completed
    head["links"] = links or {}
    encoded = _encode(head)
    # One join: a 100-page answer is about a megabyte, so every extra copy shows.
    return b"".join((b'{"results":[', b",".join(results), b"],", memoryview(encoded)[1:]))


@dataclass(slots=True)
class _Job:
    portal: int
    polls: int
    processing: bytes
    final_status: int
    final: bytes


class BatchJobs:
    """Registry of async batches: job id -> envelopes to report on each poll."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._jobs: dict[str, _Job] = {}

    @staticmethod
    def cancel_limit(n: int, cancel: bool, rng: random.Random) -> int | None:
        """How many inputs a CANCELED batch applies (a strict prefix), or None."""
        if not cancel or n == 0:
            return None
        return rng.randrange(0, n)

    def submit(
        self,
        base_url: str,
        portal: int,
        outcome: BatchOutcome,
        started: datetime,
        completed: datetime,
    ) -> bytes:
        """Register a finished batch; return the PENDING envelope pointing at it."""
        job_id = str(next(self._ids))
        link = {"status": f"{base_url}{JOB_PATH}{job_id}"}
        if outcome.canceled:
            final_status, status = 200, "CANCELED"
        else:
            final_status, status = (207 if outcome.errors else 200), "COMPLETE"
        final = envelope(status, outcome.results, outcome.errors, started, completed, link)
        processing = envelope("PROCESSING", [], [], started, None, link)
        self._jobs[job_id] = _Job(portal, 0, processing, final_status, final)
        return envelope("PENDING", [], [], started, None, link)

    def poll(self, job_id: str, portal: int) -> tuple[int, bytes]:
        """PROCESSING on the first poll, then the final envelope."""
        job = self._jobs.get(job_id)
        if job is None or job.portal != portal:
            raise ApiError(
                404,
                "OBJECT_NOT_FOUND",
                f"batch {job_id} does not exist",
                context={"id": [job_id]},
            )
        job.polls += 1
        if job.polls == 1:
            return 200, job.processing
        return job.final_status, job.final
