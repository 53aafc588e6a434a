"""Bulk jobs against an in-memory resource: every input accounted for, nothing twice.

These exercise the job logic (pipeline, reconcile, canceled batches, polling, journal)
quickly and exhaustively; ``test_emulator_*`` runs the same jobs over real sockets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubpages_async import batch
from hubpages_async.batch import BatchProgress, BatchReport, PollPolicy
from hubpages_async.bulk._identity import content_key
from hubpages_async.journal import Journal
from hubpages_async.models import Page

from ._fake import FakePages, Faults, new_pages


async def _no_sleep(_delay: float) -> None:
    return None


FAST = PollPolicy(initial_delay=0.0, max_delay=0.0, sleep=_no_sleep)


def assert_covers(report: BatchReport[Any], n: int) -> None:
    """Every input exactly once, in input order."""
    indexes = [o.index for o in report.outcomes()]
    assert indexes == list(range(n))
    assert report.total == n == report.succeeded + report.failed


def assert_no_duplicates(fake: FakePages, n: int) -> None:
    slugs = Counter(p.slug for p in fake.pages.values())
    assert all(count == 1 for count in slugs.values())
    assert set(slugs) == {f"page-{i}" for i in range(n)}


async def test_create_many_simple() -> None:
    fake = FakePages()
    report = await batch.create_many(fake, new_pages(250), chunk_size=100, poll=FAST)
    assert_covers(report, 250)
    assert report.ok
    assert report.chunks == 3
    assert [s.item.slug for s in report.results if s.item] == [f"page-{i}" for i in range(250)]
    assert_no_duplicates(fake, 250)


async def test_failures_carry_category_and_message() -> None:
    fake = FakePages()
    pages = new_pages(10)
    pages[3] = Page(name="INVALID", template_path="t", slug="bad")
    fake.pages["x"] = Page(id="x", slug="page-7")
    report = await batch.create_many(fake, pages, chunk_size=4, poll=FAST)
    assert_covers(report, 10)
    assert [(f.index, f.category) for f in report.failures] == [
        (3, "VALIDATION_ERROR"),
        (7, "CONFLICT"),
    ]
    assert report.failures[1].message == "slug page-7 exists"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(0, 300),
    chunk_size=st.integers(1, 120),
    concurrency=st.integers(1, 8),
    source=st.sampled_from(["list", "gen", "async"]),
    slugs=st.booleans(),
    seed=st.integers(0, 1000),
)
async def test_property_report_covers_every_input_once(
    n: int, chunk_size: int, concurrency: int, source: str, slugs: bool, seed: int
) -> None:
    faults = Faults(drop=0.1, error=0.1, asynchronous=0.3, cancel=0.1)
    fake = FakePages(faults, seed=seed)
    pages = new_pages(n, slugs=slugs)
    inputs: Any
    if source == "list":
        inputs = pages
    elif source == "gen":
        inputs = (p for p in pages)
    else:

        async def agen() -> AsyncIterator[Page]:
            for p in pages:
                yield p

        inputs = agen()
    report = await batch.create_many(
        fake, inputs, chunk_size=chunk_size, concurrency=concurrency, poll=FAST, max_rounds=50
    )
    assert_covers(report, n)
    assert report.ok, report.failures[:3]
    # Reconciled by name when there is no slug: names are unique here, so still exact.
    names = Counter(p.name for p in fake.pages.values())
    assert sorted(map(str, names)) == sorted(str(p.name) for p in pages)
    assert all(c == 1 for c in names.values())
    assert {s.id for s in report.results} == set(fake.pages)


async def test_canceled_batches_are_resubmitted_then_reported() -> None:
    fake = FakePages(Faults(cancel=1.0), seed=3)
    report = await batch.create_many(fake, new_pages(20), chunk_size=10, poll=FAST, max_rounds=2)
    assert_covers(report, 20)
    assert report.failed > 0
    # A canceled batch may have applied a prefix: what no lookup found stays uncertain.
    assert {f.category for f in report.failures} == {"OUTCOME_UNKNOWN"}
    # What was applied is reported as such, never created twice.
    assert len(fake.pages) == report.succeeded
    assert len({p.slug for p in fake.pages.values()}) == len(fake.pages)


async def test_incomplete_batch_without_link_is_never_success() -> None:
    class NoLink(FakePages):
        def _answer(self, final: Any) -> Any:
            from hubpages_async.models import BatchResponse

            return BatchResponse[Page](status="PENDING")

    fake = NoLink()
    report = await batch.create_many(fake, new_pages(5), poll=FAST)
    assert_covers(report, 5)
    # The fake applied them: the reconcile lookup finds them; nothing is double-counted.
    assert report.reconciled == 5
    assert report.ok
    fake2 = NoLink()
    report = await batch.read_many(fake2, ["1", "2"], poll=FAST)
    assert [f.category for f in report.failures] == ["INCOMPLETE_BATCH"] * 2


async def test_unreachable_lookup_reports_outcome_unknown() -> None:
    fake = FakePages(Faults(drop=1.0, lookup_error=1.0))
    report = await batch.create_many(fake, new_pages(3), poll=FAST)
    assert_covers(report, 3)
    assert {f.category for f in report.failures} == {"OUTCOME_UNKNOWN"}
    assert fake.create_calls == 1  # never resent blind


async def test_progress_events() -> None:
    fake = FakePages(Faults(drop=0.2), seed=1)
    events: list[BatchProgress[Any]] = []

    async def on_progress(event: BatchProgress[Any]) -> None:
        events.append(event)

    report = await batch.create_many(
        fake, new_pages(95), chunk_size=10, on_progress=on_progress, poll=FAST
    )
    assert len(events) == 10
    assert [e.chunks_done for e in events] == list(range(1, 11))
    assert events[-1].succeeded == 95 == report.succeeded
    assert sum(len(e.chunk.succeeded) for e in events) == 95
    assert events[-1].resubmitted == report.resubmitted


async def test_collect_false_keeps_counts_only() -> None:
    fake = FakePages()
    report = await batch.create_many(fake, new_pages(50), chunk_size=7, collect=False, poll=FAST)
    assert report.succeeded == 50
    assert report.results == []


async def test_read_update_archive_many() -> None:
    fake = FakePages(Faults(error=0.2, asynchronous=0.5), seed=5)
    created = await batch.create_many(fake, new_pages(30), chunk_size=8, poll=FAST)
    ids = [s.id for s in created.results if s.id]
    read = await batch.read_many(fake, [*ids, "missing"], chunk_size=7, poll=FAST)
    assert_covers(read, 31)
    assert [(f.index, f.category) for f in read.failures] == [(30, "OBJECT_NOT_FOUND")]
    assert [s.id for s in read.results] == ids

    updates = [Page(id=i, name=f"renamed {i}") for i in ids]
    updated = await batch.update_many(fake, [*updates, Page(name="no id")], poll=FAST)
    assert_covers(updated, 31)
    assert [f.category for f in updated.failures] == ["VALIDATION_ERROR"]
    assert all(p.name == f"renamed {p.id}" for p in fake.pages.values())

    archived = await batch.archive_many(fake, ids, chunk_size=9, poll=FAST)
    assert_covers(archived, 30)
    assert fake.pages == {}


def _key(page: Page) -> str:
    """The journal key a create job gives the first input with this content."""
    return content_key(page) + "#0"


async def test_journal_resume_skips_done_and_reconciles_pending(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    fake = FakePages()
    pages = new_pages(40)
    first = await batch.create_many(
        fake, pages[:25], chunk_size=10, journal=Journal(path), poll=FAST
    )
    assert first.succeeded == 25
    # A killed run: chunk sent and applied, journal still says pending.
    journal = Journal(path)
    journal.open_sync("create")
    journal.mark_pending_sync([(_key(pages[i]), i) for i in range(25, 30)])
    journal.close_sync()
    await fake.batch_create(pages[25:30])

    second = await batch.create_many(fake, pages, chunk_size=10, journal=Journal(path), poll=FAST)
    assert_covers(second, 40)
    assert second.skipped == 25
    assert second.reconciled == 5
    assert second.ok
    assert_no_duplicates(fake, 40)
    third = await batch.create_many(fake, pages, chunk_size=10, journal=Journal(path), poll=FAST)
    assert third.skipped == 40
    assert third.chunks == 0


async def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        await batch.create_many(FakePages(), [], chunk_size=0)
    with pytest.raises(ValueError, match="concurrency"):
        await batch.create_many(FakePages(), [], concurrency=0)


class _Discard:
    """Accepts every create and keeps nothing (so only the job's own memory counts)."""

    def __init__(self) -> None:
        from ._fake import FakeCore

        self._core = FakeCore()
        self.next_id = 0

    async def batch_create(self, pages: list[Page]) -> Any:
        from hubpages_async.models import BatchResponse

        results = []
        for page in pages:
            self.next_id += 1
            results.append(Page(id=str(self.next_id), slug=page.slug))
        return BatchResponse[Page](status="COMPLETE", results=results)

    def list(self, **kwargs: Any) -> Any:
        raise AssertionError("no reconcile expected: nothing fails here")


async def test_streaming_keeps_a_bounded_number_of_inputs_in_flight() -> None:
    """Inputs are pulled only as chunks complete: memory does not grow with the input."""
    produced = 0
    done = 0
    most_in_flight = 0
    chunk_size, concurrency = 50, 3

    def inputs() -> Any:
        nonlocal produced, most_in_flight
        for i in range(50_000):
            produced += 1
            most_in_flight = max(most_in_flight, produced - done)
            yield Page(name=f"p{i}", template_path="t", slug=f"s{i}")

    def on_progress(event: BatchProgress[Any]) -> None:
        nonlocal done
        done = event.succeeded

    report = await batch.create_many(
        _Discard(),
        inputs(),
        chunk_size=chunk_size,
        concurrency=concurrency,
        on_progress=on_progress,
        collect=False,
        poll=FAST,
    )
    assert report.succeeded == 50_000
    assert report.results == []
    # chunk being built + work buffer + workers + outcome buffer + the one being collected
    assert most_in_flight <= (3 * concurrency + 2) * chunk_size


async def test_one_bad_input_does_not_sink_its_chunk() -> None:
    fake = FakePages()
    pages = new_pages(30)
    pages[4] = Page(name="x", template_path="/t/starts-with-slash", slug="x")  # client refuses
    pages[17] = Page(name="POISON", template_path="t", slug="poison")  # server 400s the batch
    report = await batch.create_many(fake, pages, chunk_size=30, poll=FAST)
    assert_covers(report, 30)
    assert [(f.index, f.category) for f in report.failures] == [
        (4, "VALIDATION_ERROR"),
        (17, "VALIDATION_ERROR"),
    ]
    assert "pages[4].template_path" in report.failures[0].message
    assert report.succeeded == 28
    # Bisection: a handful of requests, not one per input.
    assert fake.create_calls <= 12


async def test_batches_over_the_server_cap_are_halved() -> None:
    fake = FakePages()
    fake.max_batch = 30
    report = await batch.create_many(fake, new_pages(200), chunk_size=100, poll=FAST)
    assert report.ok
    assert_no_duplicates(fake, 200)


async def test_rerun_resends_definite_failures_without_lookup(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    fake = FakePages()
    fake.pages["other"] = Page(id="other", slug="page-2", name="someone else's page")
    first = await batch.create_many(fake, new_pages(5), journal=Journal(path), poll=FAST)
    assert [f.category for f in first.failures] == ["CONFLICT"]
    # The slug is still taken by another page: a lookup would wrongly call it ours.
    second = await batch.create_many(fake, new_pages(5), journal=Journal(path), poll=FAST)
    assert second.skipped == 4
    assert second.reconciled == 0
    assert [f.category for f in second.failures] == ["CONFLICT"]


async def test_mapping_inputs_are_reconciled_too() -> None:
    fake = FakePages(Faults(drop=0.5), seed=2)
    inputs = [{"name": f"m{i}", "templatePath": "t", "slug": f"m-{i}"} for i in range(40)]

    async def create(pages: Any) -> Any:
        return await FakePages.batch_create(fake, [msgspec.convert(p, Page) for p in pages])

    fake.batch_create = create  # type: ignore[method-assign]
    report = await batch.create_many(fake, inputs, chunk_size=10, poll=FAST)
    assert report.ok
    assert report.reconciled > 0
    assert sorted(str(p.slug) for p in fake.pages.values()) == sorted(f"m-{i}" for i in range(40))


async def test_input_iterator_errors_surface_as_themselves() -> None:
    def broken() -> Any:
        yield from new_pages(150)
        raise KeyError("bad record")

    with pytest.raises(KeyError, match="bad record"):
        await batch.create_many(FakePages(), broken(), chunk_size=50, poll=FAST)


async def test_rate_limits_that_outlast_the_client() -> None:
    from hubpages_async import errors
    from hubpages_async.models import ErrorBody

    class Limited(FakePages):
        def __init__(self, policy: str, times: int) -> None:
            super().__init__()
            self.policy, self.times = policy, times

        async def batch_create(self, pages: Any) -> Any:
            if self.times > 0:
                self.times -= 1
                body = ErrorBody(error_type="RATE_LIMIT", policy_name=self.policy)
                raise errors.RateLimitError(429, body, retry_after=0.25)
            return await super().batch_create(pages)

    waits: list[float] = []

    async def sleep(delay: float) -> None:
        waits.append(delay)

    policy = PollPolicy(initial_delay=0.0, max_delay=0.0, sleep=sleep)
    rolling = await batch.create_many(Limited("TEN_SECONDLY_ROLLING", 2), new_pages(5), poll=policy)
    assert rolling.ok
    assert rolling.rate_limit_wait_seconds == 0.5
    assert 0.25 in waits

    daily = await batch.create_many(Limited("DAILY", 1), new_pages(5), poll=policy)
    assert [f.category for f in daily.failures] == ["RATE_LIMIT"] * 5
    assert {f.status for f in daily.failures} == {429}


async def test_only_inputs_that_may_have_been_applied_are_looked_up(tmp_path: Path) -> None:
    path = tmp_path / "job.sqlite"
    journal = Journal(path)
    journal.open_sync("create", key_scheme="content")
    journal.mark_pending_sync([(_key(new_pages(1)[0]), 0)])  # a killed run had sent input 0
    journal.close_sync()
    fake = FakePages()
    fake.pages["other"] = Page(id="other", slug="page-1", name="someone else's page")
    report = await batch.create_many(fake, new_pages(2), journal=Journal(path), poll=FAST)
    assert report.reconciled == 0
    assert [(s.index, s.via) for s in report.results] == [(0, "batch")]
    assert [(f.index, f.category) for f in report.failures] == [(1, "CONFLICT")]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ids=st.lists(st.sampled_from([*(str(i) for i in range(1000, 1040)), "x", "y"]), max_size=150),
    chunk_size=st.integers(1, 60),
    concurrency=st.integers(1, 6),
    seed=st.integers(0, 1000),
)
async def test_property_read_many_covers_every_id_once(
    ids: list[str], chunk_size: int, concurrency: int, seed: int
) -> None:
    fake = FakePages(seed=seed)
    await batch.create_many(fake, new_pages(40), poll=FAST)  # ids 1000..1039
    fake.faults = Faults(error=0.2, asynchronous=0.4)
    report = await batch.read_many(
        fake, ids, chunk_size=chunk_size, concurrency=concurrency, poll=FAST, max_rounds=50
    )
    assert_covers(report, len(ids))
    assert [s.id for s in report.results] == [i for i in ids if i not in ("x", "y")]
    assert {f.category for f in report.failures} <= {"OBJECT_NOT_FOUND"}
    assert report.failed == sum(i in ("x", "y") for i in ids)


async def test_errors_that_name_no_input_are_never_paired_by_guess() -> None:
    """With errors that do not say which input failed and results without slugs, "results
    in input order minus the failed ones" cannot place anything: the chunk is looked up
    by name instead of paired by position, and only the missing inputs are sent again."""
    fake = FakePages()
    fake.error_context = False
    inputs = new_pages(10, slugs=False)
    for i in (2, 7):
        inputs[i] = Page(name="INVALID", template_path="t/page.html")
    report = await batch.create_many(fake, inputs, chunk_size=10, poll=FAST)
    assert_covers(report, 10)
    assert [(f.index, f.category) for f in report.failures] == [
        (2, "VALIDATION_ERROR"),
        (7, "VALIDATION_ERROR"),
    ]
    assert all(s.item is not None and s.item.name == inputs[s.index].name for s in report.results)
    assert len(fake.pages) == 8
