"""Bulk jobs: create, read, update or archive any number of pages or folders.

``inputs`` may be a list, any iterable or an async iterable; it is consumed as a stream
through bounded anyio memory object streams (producer -> ``concurrency`` workers ->
collector), so at most about ``3 * concurrency + 2`` chunks are in memory whatever
the input length. Every input ends in exactly one outcome in the returned
:class:`BatchReport`, in input order::

    async with HubPages() as hs:
        report = await hs.site_pages.create_many(pages, chunk_size=100, concurrency=4)
        for failure in report.failures:
            print(failure.index, failure.category, failure.message)

Creates are not idempotent: when a send's outcome is unknown (timeout, reset, a lost
response, an empty answer, a canceled batch) the chunk's inputs are looked up
(``slug__in``, else ``name__in``), a page found is credited only if it carries the
input's content and no other input holds it, and only the missing ones are sent again.
With ``journal=`` the job records each input's key and id in sqlite as it is credited,
and a rerun (even after SIGKILL) skips what is done and reconciles what was in flight.

What the report keeps is bounded by default: ``collect="ids"`` keeps every input's
outcome with the id HubSpot gave it (about 150 bytes an input), not the returned page.
``collect=True`` keeps the pages too (``report.items``; some 20 KB each for fully
populated pages, so only for jobs that fit in memory); ``collect=False`` keeps counts
and failures only. Either way, each chunk's full outcomes, pages included, reach
``on_progress`` (``progress.chunk``) as the chunk completes, to stream them elsewhere.

``chunk_size`` is at most 100, HubSpot's batch maximum: a larger one is refused before
anything is sent rather than sent and split after HubSpot's 400.
"""

from __future__ import annotations

import os
from typing import Any, TypeVar

from ..models import BatchResponse, ContentFolder, Page
from ._chunk import ChunkRunner, Operation
from ._chunks import Inputs
from ._job import MAX_CHUNK_SIZE, JobOptions, KeyFunc, ProgressCallback, run_job
from ._map import text_attr
from ._poll import IncompleteBatch, PollPolicy
from ._report import BatchProgress, BatchReport, ChunkOutcome, Collect, Failed, Succeeded
from .journal import Journal

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MAX_CHUNK_SIZE",
    "BatchProgress",
    "BatchReport",
    "ChunkOutcome",
    "Collect",
    "Failed",
    "IncompleteBatch",
    "Journal",
    "KeyFunc",
    "PollPolicy",
    "ProgressCallback",
    "Succeeded",
    "archive_many",
    "create_many",
    "read_many",
    "update_many",
]

T = TypeVar("T")
V = TypeVar("V")

#: HubSpot's (assumed) batch cap: 100 inputs per batch request.
DEFAULT_CHUNK_SIZE = MAX_CHUNK_SIZE
#: Sends per chunk before giving up on inputs that got no answer (CANCELED, lost).
DEFAULT_MAX_ROUNDS = 6


async def create_many(
    resource: Any,
    inputs: Inputs[T],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    concurrency: int = 4,
    on_progress: ProgressCallback | None = None,
    journal: Journal | str | os.PathLike[str] | None = None,
    key: KeyFunc | None = None,
    poll: PollPolicy | None = None,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    collect: Collect = "ids",
) -> BatchReport[T]:
    """Create every page (or folder) of ``inputs``; each is created exactly once.

    ``key(input) -> str`` names an input in the journal. By default an input is named by
    its content (and its occurrence among identical inputs), so a resumed job may be fed
    the inputs with some added, removed or reordered; pass a key (a source-system id,
    say) to name them yourself, unique per input. A page is counted as created only when
    HubSpot's answer or a lookup proves it is this input's (see the README's "What
    exactly once guarantees"); what stays uncertain fails with ``OUTCOME_UNKNOWN``.
    """
    opts = JobOptions(chunk_size, concurrency, on_progress, journal, key, poll, max_rounds, collect)
    return await run_job(
        _runner("create", resource, resource.batch_create, opts, lookup=resource.list), inputs, opts
    )


async def read_many(
    resource: Any,
    inputs: Inputs[str],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    concurrency: int = 4,
    on_progress: ProgressCallback | None = None,
    journal: Journal | str | os.PathLike[str] | None = None,
    key: KeyFunc | None = None,
    archived: bool | None = None,
    poll: PollPolicy | None = None,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    collect: Collect = "ids",
) -> BatchReport[Any]:
    """Read the pages (or folders) with the given ids; unknown ids become failures."""

    async def submit(ids: list[str]) -> BatchResponse[Any]:
        if archived is None:
            return await resource.batch_read(ids)  # type: ignore[no-any-return]
        return await resource.batch_read(ids, archived=archived)  # type: ignore[no-any-return]

    opts = JobOptions(chunk_size, concurrency, on_progress, journal, key, poll, max_rounds, collect)
    return await run_job(_runner("read", resource, submit, opts, id_of=str), inputs, opts)


async def update_many(
    resource: Any,
    inputs: Inputs[T],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    concurrency: int = 4,
    on_progress: ProgressCallback | None = None,
    journal: Journal | str | os.PathLike[str] | None = None,
    key: KeyFunc | None = None,
    poll: PollPolicy | None = None,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    collect: Collect = "ids",
) -> BatchReport[T]:
    """Update pages (or folders); each input carries the ``id`` of what it changes."""
    opts = JobOptions(chunk_size, concurrency, on_progress, journal, key, poll, max_rounds, collect)
    return await run_job(
        _runner("update", resource, resource.batch_update, opts, id_of=_id_of), inputs, opts
    )


async def archive_many(
    resource: Any,
    inputs: Inputs[str],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    concurrency: int = 4,
    on_progress: ProgressCallback | None = None,
    journal: Journal | str | os.PathLike[str] | None = None,
    key: KeyFunc | None = None,
    poll: PollPolicy | None = None,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    collect: Collect = "ids",
) -> BatchReport[Any]:
    """Archive (delete) the pages or folders with the given ids.

    HubSpot answers a batch archive with 204 even for unknown ids, so every id of a
    batch that was answered counts as succeeded.
    """

    async def submit(ids: list[str]) -> None:
        await resource.batch_archive(ids)

    opts = JobOptions(chunk_size, concurrency, on_progress, journal, key, poll, max_rounds, collect)
    return await run_job(_runner("archive", resource, submit, opts, id_of=str), inputs, opts)


# -- resource plumbing -----------------------------------------------------------------


def _runner(
    operation: Operation, resource: Any, submit: Any, opts: JobOptions, **extra: Any
) -> ChunkRunner[Any, Any]:
    return ChunkRunner(
        operation,
        submit=submit,
        client=_client(resource),
        response_type=_response_type(resource),
        poll=opts.poll or PollPolicy(),
        max_rounds=opts.max_rounds,
        **extra,
    )


def _client(resource: Any) -> Any:
    """The HubPages client behind a resource (used for ``request`` and ``stats``)."""
    for name in ("_core", "_client", "client"):
        client = getattr(resource, name, None)
        if client is not None:
            return client
    raise TypeError(f"{type(resource).__name__} exposes no client")


def _response_type(resource: Any) -> type[BatchResponse[Any]]:
    """The envelope type to decode a polled batch into (pages or folders)."""
    model = getattr(resource, "model", None)
    if model is None:
        model = ContentFolder if "folder" in type(resource).__name__.lower() else Page
    return BatchResponse[model]  # type: ignore[valid-type]


def _id_of(value: object) -> str:
    # An update input without an id is refused per input by the runner (no id, no key).
    return text_attr(value, "id") or ""
