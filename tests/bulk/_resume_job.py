"""A bulk create job run as its own process, for the SIGKILL-and-resume test.

usage: python _resume_job.py EMULATOR_URL JOURNAL_PATH N

Prints ``chunk <done> <succeeded>`` after every chunk it sent (flushed, so the test can
kill it mid-run) and ``done <json summary>`` when the job finishes.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import anyio

from hubpages_async import HubPages, RateLimit, RetryPolicy
from hubpages_async.batch import BatchProgress, PollPolicy
from hubpages_async.journal import Journal
from hubpages_async.models import Page


def on_progress(event: BatchProgress[Any]) -> None:
    if event.chunk.submitted:
        print(f"chunk {event.chunks_done} {event.succeeded}", flush=True)


async def main(url: str, journal_path: str, n: int) -> None:
    pages = (
        Page(name=f"resume {i}", template_path="templates/page.html", slug=f"resume/{i}")
        for i in range(n)
    )
    async with HubPages(
        "bulk-test-token",
        base_url=url,
        rate_limit=RateLimit(requests=10_000, per_seconds=0.2, margin=0.0),
        retry=RetryPolicy(base_delay=0.005, max_delay=0.02, budget=1_000_000),
    ) as hs:
        report = await hs.site_pages.create_many(
            pages,
            chunk_size=50,
            concurrency=4,
            journal=Journal(journal_path, job="resume-test"),
            on_progress=on_progress,
            # Slow polls widen the window between "HubSpot committed" and "journal written".
            poll=PollPolicy(initial_delay=0.03, max_delay=0.05, settle_delay=0.0),
        )
    summary = {
        "total": report.total,
        "succeeded": report.succeeded,
        "failed": report.failed,
        "skipped": report.skipped,
        "reconciled": report.reconciled,
        "in_order": [o.index for o in report.outcomes()] == list(range(n)),
    }
    print("done " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], sys.argv[2], int(sys.argv[3]))
