"""A shared limiter lost mid-job stops the job with its own error, however many workers
were waiting on it: ``LimiterUnavailableError`` itself, never an ExceptionGroup the
caller (and the CLI) would have to take apart. The journal keeps what was done, and a
rerun creates the rest exactly once."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from hubpages_async import RateLimitInfo, errors
from hubpages_async.emulator import Emulator
from hubpages_async.journal import Journal

from ._emu import FAST_POLL, fast_client, page_inputs, slug_counts

pytestmark = pytest.mark.timeout(60)

INPUTS, CHUNK, WORKERS = 60, 10, 3


class _LostTogether:
    """A limiter that admits ``admits`` requests, then fails every later one, but only
    once ``WORKERS`` requests wait on it: the workers all lose it at the same moment,
    as they do when a shared store goes away under a busy job."""

    def __init__(self, admits: int) -> None:
        self.admits = admits
        self.waiting = 0
        self.lost = anyio.Event()

    async def acquire(self) -> float:
        if self.admits > 0:
            self.admits -= 1
            return 0.0
        self.waiting += 1
        if self.waiting >= WORKERS:
            self.lost.set()
        await self.lost.wait()
        raise errors.LimiterUnavailableError("the shared rate limiter is gone; nothing was sent")

    def release(self) -> None:
        return None

    def pause_until(self, deadline: float) -> None:
        return None

    def feedback(self, info: RateLimitInfo) -> None:
        return None


async def test_every_worker_losing_the_limiter_raises_its_error_and_a_rerun_resumes(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "job.journal"
    async with Emulator(rate_limit=None) as emu:
        limiter = _LostTogether(admits=2)
        async with fast_client(emu, limiter=limiter) as hs:
            with pytest.raises(errors.LimiterUnavailableError, match="gone") as caught:
                await hs.site_pages.create_many(
                    page_inputs(INPUTS),
                    chunk_size=CHUNK,
                    concurrency=WORKERS,
                    journal=Journal(journal),
                    poll=FAST_POLL,
                )
        assert limiter.waiting >= WORKERS
        assert any("the bulk job stopped" in note for note in caught.value.__notes__)
        first_run = len(emu.store.pages("site-pages"))
        assert 0 < first_run < INPUTS

        async with fast_client(emu) as hs:
            report = await hs.site_pages.create_many(
                page_inputs(INPUTS), chunk_size=CHUNK, journal=Journal(journal), poll=FAST_POLL
            )
        counts = slug_counts(emu)
    assert report.ok, report.failures[:3]
    assert counts == {f"bulk/page-{i}": 1 for i in range(INPUTS)}
