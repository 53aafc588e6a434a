"""A per-input error of a 207 is reported with the answer's HTTP status and its
``X-HubSpot-Correlation-Id`` (HubSpot gives the error neither of its own), whether the
207 answered the batch request or, for an async batch, the poll that found it done."""

from __future__ import annotations

import pytest

from hubpages_async.emulator import Emulator
from hubpages_async.models import Page

from ._emu import FAST_POLL, fast_client


@pytest.mark.parametrize("async_batches", [False, True])
async def test_a_207_error_carries_the_answers_status_and_correlation_id(
    async_batches: bool,
) -> None:
    async with Emulator(rate_limit=None, daily_limit=None, async_batches=async_batches) as emu:
        pages = [Page(name=f"p {s}", template_path="t.html", slug=s) for s in ("a", "b", "a")]
        async with fast_client(emu) as hs:
            report = await hs.site_pages.create_many(pages, poll=FAST_POLL)
        multi = [r for r in emu.request_log if r.status == 207]
    assert len(multi) == 1  # the batch answer, or the poll that found the batch done
    assert multi[0].path.endswith("/batch/create") != async_batches
    (failure,) = report.failures
    assert (failure.index, failure.category, failure.status) == (2, "CONFLICT", 207)
    assert failure.correlation_id == multi[0].correlation_id
    assert failure.correlation_id
