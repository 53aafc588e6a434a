"""An in-memory stand-in for a pages resource, for the bulk layer's pure job tests.

Not a mock of aiohttp: it replaces the whole resource (the seam the bulk layer codes
against) so property tests can run thousands of jobs in seconds. It keeps HubSpot's
rules that matter to the bulk layer: slugs are unique (409 CONFLICT per input), batch
create results come back in input order with failed inputs left out and errors naming
their input in ``context``, and the injected faults mirror the emulator's: ``drop``
(applied, then the answer is lost), ``error`` (a 5xx before anything is applied),
``async`` (PENDING envelope polled at ``links.status``) and ``cancel`` (CANCELED after
a prefix of the inputs).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from hubpages_async import errors
from hubpages_async.models import BatchResponse, ErrorBody, Page, StandardError


@dataclass
class Faults:
    drop: float = 0.0
    error: float = 0.0
    asynchronous: float = 0.0
    cancel: float = 0.0
    lookup_error: float = 0.0


@dataclass
class FakeStats:
    retries: int = 0
    rate_limited_429: int = 0
    throttle_wait_seconds: float = 0.0


@dataclass
class FakeCore:
    """Answers polls of ``links.status`` URLs the fake handed out."""

    envelopes: dict[str, list[BatchResponse[Page]]] = field(default_factory=dict)
    stats: FakeStats = field(default_factory=FakeStats)
    polls: int = 0

    async def request(self, method: str, target: str, /, **kwargs: Any) -> Any:
        assert method == "GET"
        self.polls += 1
        queue = self.envelopes[target]
        return queue.pop(0) if len(queue) > 1 else queue[0]


class FakePages:
    """``batch_create``/``batch_read``/``batch_update``/``batch_archive``/``list``."""

    def __init__(self, faults: Faults | None = None, seed: int = 0) -> None:
        self._core = FakeCore()
        self.faults = faults or Faults()
        self.rng = random.Random(seed)
        self.pages: dict[str, Page] = {}
        self.create_calls = 0
        self.ids = itertools.count(1000)
        self.sent: list[list[str | None]] = []
        self.max_batch = 100
        #: False: batch-create errors name no input (HubSpot does not promise they do).
        self.error_context = True

    # -- helpers -----------------------------------------------------------------------

    def _roll(self, p: float) -> bool:
        return p > 0 and self.rng.random() < p

    def _envelope(
        self, results: list[Page], errs: list[StandardError], status: str = "COMPLETE"
    ) -> BatchResponse[Page]:
        return BatchResponse(
            status=status,
            results=results,
            errors=errs or msgspec.UNSET,
            num_errors=len(errs) if errs else msgspec.UNSET,
        )

    def _answer(self, final: BatchResponse[Page]) -> BatchResponse[Page]:
        if self._roll(self.faults.asynchronous):
            url = f"http://fake/batch/{len(self._core.envelopes)}"
            processing = BatchResponse[Page](status="PROCESSING", links={"status": url})
            self._core.envelopes[url] = [processing, final]
            return BatchResponse(status="PENDING", links={"status": url})
        return final

    # -- the resource ------------------------------------------------------------------

    async def batch_create(self, pages: Sequence[Page]) -> BatchResponse[Page]:
        for i, page in enumerate(pages):  # the client's own check, before sending
            if isinstance(page.template_path, str) and page.template_path.startswith("/"):
                raise errors.ValidationError(f"pages[{i}].template_path", "starts with '/'")
        self.create_calls += 1
        self.sent.append([p.slug if isinstance(p.slug, str) else None for p in pages])
        if any(p.name == "POISON" for p in pages) or len(pages) > self.max_batch:
            raise errors.BadRequestError(400, ErrorBody(category="VALIDATION_ERROR"))
        if self._roll(self.faults.error):
            raise errors.OutcomeUnknownError(
                method="POST", path="batch/create", body=None, cause=errors.ServerError(500)
            )
        applied = list(pages)
        canceled = self._roll(self.faults.cancel)
        if canceled:
            applied = applied[: self.rng.randrange(len(applied))]
        results: list[Page] = []
        errs: list[StandardError] = []
        slugs = {p.slug for p in self.pages.values()}
        for index, page in enumerate(applied):
            if page.name == "INVALID":
                errs.append(
                    StandardError(
                        status="error",
                        category="VALIDATION_ERROR",
                        message="name is invalid",
                        context={"index": [str(index)]} if self.error_context else msgspec.UNSET,
                    )
                )
                continue
            if isinstance(page.slug, str) and page.slug in slugs:
                errs.append(
                    StandardError(
                        status="error",
                        category="CONFLICT",
                        message=f"slug {page.slug} exists",
                        context={"index": [str(index)], "slug": [page.slug]},
                    )
                )
                continue
            new = msgspec.structs.replace(page, id=str(next(self.ids)), created=datetime.now(UTC))
            self.pages[str(new.id)] = new
            slugs.add(new.slug)
            results.append(new)
        if self._roll(self.faults.drop):
            raise errors.OutcomeUnknownError(
                method="POST",
                path="batch/create",
                body=None,
                cause=errors.APIConnectionError("dropped"),
            )
        return self._answer(self._envelope(results, errs, "CANCELED" if canceled else "COMPLETE"))

    async def batch_read(self, ids: Sequence[str]) -> BatchResponse[Page]:
        if self._roll(self.faults.error):
            raise errors.ServerError(503)
        results = [self.pages[i] for i in dict.fromkeys(ids) if i in self.pages]
        errs = [
            StandardError(
                status="error", category="OBJECT_NOT_FOUND", message="no", context={"id": [i]}
            )
            for i in dict.fromkeys(ids)
            if i not in self.pages
        ]
        return self._answer(self._envelope(results, errs))

    async def batch_update(self, pages: Sequence[Page]) -> BatchResponse[Page]:
        results = []
        errs = []
        for page in pages:
            assert isinstance(page.id, str)
            if page.id in self.pages:
                new = msgspec.structs.replace(self.pages[page.id], name=page.name)
                self.pages[page.id] = new
                results.append(new)
            else:
                errs.append(
                    StandardError(
                        category="OBJECT_NOT_FOUND", message="no", context={"id": [page.id]}
                    )
                )
        if self._roll(self.faults.drop):
            raise errors.APIConnectionError("dropped")
        return self._answer(self._envelope(results, errs))

    async def batch_archive(self, ids: Sequence[str]) -> None:
        for i in ids:
            self.pages.pop(i, None)

    def list(self, **kwargs: Any) -> AsyncIterator[Page]:
        return self._list(**kwargs)

    async def _list(self, **kwargs: Any) -> AsyncIterator[Page]:
        if self._roll(self.faults.lookup_error):
            raise errors.ServerError(502)
        slugs = kwargs.get("slug__in")
        names = kwargs.get("name__in")
        for page in list(self.pages.values()):
            if slugs is not None and page.slug not in slugs:
                continue
            if names is not None and page.name not in names:
                continue
            yield page


def new_pages(n: int, *, slugs: bool = True, start: int = 0) -> list[Page]:
    return [
        Page(
            name=f"page {i}",
            template_path="t/page.html",
            slug=f"page-{i}" if slugs else msgspec.UNSET,
        )
        for i in range(start, start + n)
    ]
