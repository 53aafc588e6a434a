"""Bulk jobs against the emulator over real sockets, with faults on."""

from __future__ import annotations

import itertools
from collections import Counter
from contextlib import aclosing
from pathlib import Path
from typing import Any

import anyio

from hubpages_async import export
from hubpages_async.batch import BatchProgress
from hubpages_async.emulator import Emulator
from hubpages_async.journal import Journal
from hubpages_async.models import ContentFolder, Page

from ._emu import FAST_POLL, fast_client, page_inputs, slug_counts

N = 10_000
FAULTS = "500=0.04,503=0.01,drop=0.02,cancel=0.1"


async def test_ten_thousand_creates_through_faults_each_exactly_once() -> None:
    """5% 5xx, 2% responses dropped after commit, 10% of async batches CANCELED after a
    prefix, and 429 bursts (50% for a few chunks, every 20 chunks): exactly the 10,000
    expected pages, each once, and every input in the report."""
    # The server's window is 200 ms (never reached): an injected 429 then tells the
    # client to sit out 0.2 s rather than HubSpot's 10 s, which is all this test saves.
    async with Emulator(
        rate_limit="1000000/200ms",
        daily_limit=None,
        faults=FAULTS,
        fault_seed=6,
        async_batches=True,
    ) as emu:
        bursts = 0

        def on_progress(event: BatchProgress[Any]) -> None:
            nonlocal bursts
            # A 429 burst every 20 chunks, for the next few chunks' worth of requests.
            if event.chunks_done % 20 == 5:
                emu.faults = FAULTS + ",429=0.5"
                bursts += 1
            elif event.chunks_done % 20 == 8:
                emu.faults = FAULTS

        async with fast_client(emu) as hs:
            report = await hs.site_pages.create_many(
                page_inputs(N),
                chunk_size=100,
                concurrency=4,
                on_progress=on_progress,
                poll=FAST_POLL,
            )
        statuses = Counter(r.status for r in emu.request_log)
        faults = Counter(r.fault for r in emu.request_log if r.fault)

    counts = slug_counts(emu)
    assert len(counts) == N
    assert max(counts.values()) == 1, "a page was created twice"
    assert set(counts) == {f"bulk/page-{i}" for i in range(N)}
    assert [o.index for o in report.outcomes()] == list(range(N))
    assert report.ok, report.failures[:5]
    assert report.succeeded == N
    assert {s.id for s in report.results} == {str(p.id) for p in emu.store.pages("site-pages")}
    # The faults really fired: each path of the job was exercised.
    assert bursts >= 4
    assert statuses[500] + statuses[503] > 0
    assert faults["drop"] > 0
    assert statuses[429] > 0
    assert report.rate_limited > 0
    assert report.reconciled > 0  # dropped responses found by lookup, not resent
    assert report.canceled_batches > 0
    assert report.resubmitted > 0  # canceled batches and 5xx sent again
    assert report.polls > 0
    print(report.summary(), dict(faults))


async def test_async_batches_are_polled_for_read_update_archive() -> None:
    async with (
        Emulator(
            rate_limit=None, faults="500=0.05,drop=0.03", fault_seed=3, async_batches=True
        ) as emu,
        fast_client(emu) as hs,
    ):
        created = await hs.site_pages.create_many(page_inputs(250), chunk_size=40, poll=FAST_POLL)
        ids = [str(s.id) for s in created.results]
        assert len(set(ids)) == 250

        read = await hs.site_pages.read_many([*ids, "999999999"], chunk_size=60, poll=FAST_POLL)
        assert [o.index for o in read.outcomes()] == list(range(251))
        assert [(f.index, f.category) for f in read.failures] == [(250, "OBJECT_NOT_FOUND")]
        assert [s.id for s in read.results] == ids
        assert read.polls > 0

        updates = (Page(id=i, html_title=f"title {i}") for i in ids)
        updated = await hs.site_pages.update_many(updates, chunk_size=60, poll=FAST_POLL)
        assert updated.ok
        assert updated.succeeded == 250
        assert {p.html_title for p in emu.store.pages("site-pages")} == {f"title {i}" for i in ids}

        archived = await hs.site_pages.archive_many(ids[:100], chunk_size=30, poll=FAST_POLL)
        assert archived.ok
        assert len(emu.store.pages("site-pages")) == 150


async def test_folders_reconcile_by_name() -> None:
    """Folders have no slug: an unknown create outcome is reconciled by name."""
    async with (
        Emulator(rate_limit=None, faults="drop=0.3,500=0.1", fault_seed=5) as emu,
        fast_client(emu) as hs,
    ):
        folders = hs.landing_pages.folders
        names = [f"folder {i}" for i in range(120)]
        report = await folders.create_many(
            (ContentFolder(name=n) for n in names), chunk_size=25, poll=FAST_POLL
        )
        assert report.ok, report.failures[:3]
        assert report.reconciled > 0
        stored = Counter(str(f.name) for f in emu.store.folders())
        assert stored == Counter(names)

        emu.faults = None
        ids = [str(s.id) for s in report.results]
        read = await folders.read_many(ids, poll=FAST_POLL, collect=True)
        assert [str(f.name) for f in read.items] == names
        gone = await folders.archive_many(ids, poll=FAST_POLL)
        assert gone.ok
        assert emu.store.folders() == []


async def test_conflicts_and_validation_are_reported_per_input() -> None:
    async with Emulator(rate_limit=None) as emu, fast_client(emu) as hs:
        await hs.site_pages.create_many(page_inputs(3, start=10), poll=FAST_POLL)
        inputs = list(page_inputs(20))  # 10, 11 and 12 already exist
        report = await hs.site_pages.create_many(inputs, chunk_size=7, poll=FAST_POLL)
        assert [o.index for o in report.outcomes()] == list(range(20))
        assert [(f.index, f.category) for f in report.failures] == [
            (10, "CONFLICT"),
            (11, "CONFLICT"),
            (12, "CONFLICT"),
        ]
        assert all(f.message for f in report.failures)
        assert report.succeeded == 17
        assert max(slug_counts(emu).values()) == 1


async def test_sharded_export_after_bulk_create_yields_each_page_once() -> None:
    # Pages created by one batch share a creation instant: ranges must still partition.
    async with Emulator(rate_limit=None) as emu, fast_client(emu) as hs:
        await hs.site_pages.create_many(page_inputs(1500), chunk_size=100, poll=FAST_POLL)
        expected = {str(p.id) for p in emu.store.pages("site-pages")}
        for shards in (1, 3, 8):
            seen = Counter([str(p.id) async for p in export.export(hs.site_pages, shards=shards)])
            assert set(seen) == expected
            assert max(seen.values()) == 1
        # With a filter: only the matching pages, still once each.
        seen = Counter(
            [
                str(p.slug)
                async for p in hs.site_pages.export(shards=4, slug__icontains="page-1", limit=37)
            ]
        )
        assert set(seen) == {s for s in (f"bulk/page-{i}" for i in range(1500)) if "page-1" in s}
        assert max(seen.values()) == 1


async def test_export_folders_and_early_break() -> None:
    async with Emulator(rate_limit=None) as emu, fast_client(emu) as hs:
        folders = hs.landing_pages.folders
        await folders.create_many((ContentFolder(name=f"f{i}") for i in range(130)), chunk_size=9)
        seen = Counter([str(f.id) async for f in folders.export(shards=4, limit=20)])
        assert set(seen) == {str(f.id) for f in emu.store.folders()}
        assert max(seen.values()) == 1

        # Breaking out early (with aclosing) cancels the other chains cleanly.
        taken = []
        async with aclosing(export.export(hs.site_pages, shards=3)) as stream:
            async for page in stream:
                taken.append(page)
        assert taken == []
        await hs.site_pages.create_many(page_inputs(300), poll=FAST_POLL)
        async with aclosing(export.export(hs.site_pages, shards=3, limit=10)) as stream:
            async for page in stream:
                taken.append(page)
                if len(taken) == 25:
                    break
        assert len({p.id for p in taken}) == 25
        # With only selected properties the shard range is still found.
        names = [p.name async for p in hs.site_pages.export(shards=2, properties=["name"])]
        assert len(names) == 300


async def test_a_cancelled_job_propagates_closes_its_journal_and_resumes(tmp_path: Path) -> None:
    async with Emulator(rate_limit=None, latency=0.01) as emu, fast_client(emu) as hs:
        journal = Journal(tmp_path / "job.sqlite", job="cancel")
        scope = anyio.CancelScope()
        chunks = 0

        def cancel_after_three(event: BatchProgress[Any]) -> None:
            nonlocal chunks
            chunks = event.chunks_done
            if chunks == 3:
                scope.cancel()

        with scope:
            await hs.site_pages.create_many(
                page_inputs(400), chunk_size=20, journal=journal, on_progress=cancel_after_three
            )
        assert scope.cancelled_caught  # the CancelledError was not swallowed
        assert chunks == 3
        assert journal._conn is None  # closed even though the job was cancelled

        report = await hs.site_pages.create_many(
            page_inputs(400), chunk_size=20, journal=journal, poll=FAST_POLL
        )
        assert report.ok
        assert report.skipped >= 60
        assert [o.index for o in report.outcomes()] == list(range(400))
    counts = slug_counts(emu)
    assert set(counts) == {f"bulk/page-{i}" for i in range(400)}
    assert max(counts.values()) == 1


async def test_progress_events_count_chunks_outcomes_retries_and_rate_limit_waits() -> None:
    events: list[BatchProgress[Any]] = []
    async with (
        # The server's window is 100 ms, so each injected 429 pauses the client 0.1 s.
        Emulator(rate_limit="100000/100ms", faults="429=0.2,503=0.1", fault_seed=4) as emu,
        fast_client(emu) as hs,
    ):
        inputs = [*page_inputs(60), Page(name="no template")]  # refused before sending
        report = await hs.site_pages.create_many(
            inputs, chunk_size=10, on_progress=events.append, poll=FAST_POLL
        )
    assert [e.chunks_done for e in events] == list(range(1, 8))
    last = events[-1]
    assert (last.succeeded, last.failed) == (60, 1) == (report.succeeded, report.failed)
    assert sum(len(e.chunk.succeeded) + len(e.chunk.failed) for e in events) == 61
    assert last.retries == report.retries > 0
    assert last.rate_limited == report.rate_limited > 0
    assert last.rate_limit_wait_seconds == report.rate_limit_wait_seconds > 0
    for before, after in itertools.pairwise(events):
        assert after.retries >= before.retries
        assert after.elapsed >= before.elapsed
