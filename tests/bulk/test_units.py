"""Pure parts of the bulk layer: chunker, 207 mapping, polling, shard bounds, journal."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubpages_async import batch, errors
from hubpages_async.bulk._chunks import iter_chunks
from hubpages_async.bulk._map import Item, map_by_id, map_create
from hubpages_async.bulk._poll import IncompleteBatch, PollPolicy, poll_batch
from hubpages_async.export import export, shard_bounds
from hubpages_async.journal import Journal, JournalError
from hubpages_async.models import BatchResponse, Page, StandardError

from ._fake import FakePages, new_pages

# -- chunker ---------------------------------------------------------------------------


async def _collect(source: Any, size: int) -> list[list[tuple[int, Any]]]:
    return [chunk async for chunk in iter_chunks(source, size)]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 250), size=st.integers(1, 120), kind=st.sampled_from(["list", "gen", "async"])
)
async def test_chunks_keep_order_and_count(n: int, size: int, kind: str) -> None:
    source: Any
    if kind == "list":
        source = list(range(n))
    elif kind == "gen":
        source = iter(range(n))
    else:

        async def agen() -> AsyncIterator[int]:
            for i in range(n):
                yield i

        source = agen()
    chunks = await _collect(source, size)
    flat = [pair for chunk in chunks for pair in chunk]
    assert flat == [(i, i) for i in range(n)]
    assert all(1 <= len(c) <= size for c in chunks)
    assert all(len(c) == size for c in chunks[:-1])


async def test_chunker_is_lazy() -> None:
    consumed = 0

    def gen() -> Iterator[int]:
        nonlocal consumed
        for i in range(1_000_000):
            consumed += 1
            yield i

    it = iter_chunks(gen(), 10)
    first = await it.__anext__()
    await it.aclose()  # type: ignore[attr-defined]
    assert [i for i, _ in first] == list(range(10))
    assert consumed == 10


async def test_chunk_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        await _collect([1], 0)


# -- 207 mapping -----------------------------------------------------------------------


def _items(pages: list[Page]) -> list[Item[Page]]:
    return [Item(i, f"#{i}", p) for i, p in enumerate(pages)]


def test_map_create_errors_by_index_and_results_in_order() -> None:
    pages = [Page(name=f"p{i}", slug=f"s{i}") for i in range(4)]
    response = BatchResponse[Page](
        status="COMPLETE",
        results=[Page(id="10", slug="s0"), Page(id="12", slug="s2"), Page(id="13", slug="s3")],
        errors=[StandardError(category="CONFLICT", message="taken", context={"index": ["1"]})],
    )
    mapped = map_create(_items(pages), response)
    assert [(i.index, r.id) for i, r in mapped.matched] == [(0, "10"), (2, "12"), (3, "13")]
    assert [(i.index, e.category) for i, e in mapped.errors] == [(1, "CONFLICT")]
    assert mapped.unanswered == []


def test_map_create_positional_without_slugs_and_canceled_prefix() -> None:
    pages = [Page(name=f"p{i}") for i in range(5)]
    response = BatchResponse[Page](
        status="CANCELED",
        results=[Page(id="1"), Page(id="2")],
        errors=[StandardError(category="VALIDATION_ERROR", context={"index": ["0"]})],
    )
    mapped = map_create(_items(pages), response)
    assert [(i.index, r.id) for i, r in mapped.matched] == [(1, "1"), (2, "2")]
    assert [i.index for i, _ in mapped.errors] == [0]
    assert [i.index for i in mapped.unanswered] == [3, 4]


def test_map_create_error_by_slug_when_no_index() -> None:
    pages = [Page(name="a", slug="a"), Page(name="b", slug="b")]
    response = BatchResponse[Page](
        results=[Page(id="1", slug="a")],
        errors=[StandardError(category="CONFLICT", context={"slug": ["b"]})],
    )
    mapped = map_create(_items(pages), response)
    assert [i.index for i, _ in mapped.errors] == [1]
    assert [i.index for i, _ in mapped.matched] == [0]


def test_map_create_loose_errors_only_when_forced() -> None:
    pages = [Page(name="a"), Page(name="b")]
    one_loose = BatchResponse[Page](
        results=[Page(id="1")], errors=[StandardError(category="X", context={"trace": ["z"]})]
    )
    mapped = map_create(_items(pages), one_loose)
    # Which of a and b failed? Nothing says: neither is paired, both are looked up.
    assert (mapped.matched, mapped.errors) == ([], [])
    assert [i.index for i in mapped.unanswered] == [0, 1]
    # A slug pins the result, so the one input left is the one that failed.
    pinned = [Page(name="a", slug="a"), Page(name="b", slug="b")]
    one_pinned = BatchResponse[Page](
        results=[Page(id="1", slug="a")], errors=[StandardError(category="X")]
    )
    mapped = map_create(_items(pinned), one_pinned)
    assert [(i.index, r.id) for i, r in mapped.matched] == [(0, "1")]
    assert [(i.index, e.category) for i, e in mapped.errors] == [(1, "X")]
    assert mapped.unanswered == []
    two_loose = BatchResponse[Page](
        errors=[
            StandardError(category="X"),
            StandardError(category="Y"),
            StandardError(category="Z"),
        ]
    )
    mapped = map_create(_items(pages), two_loose)
    assert mapped.errors == []
    assert [i.index for i in mapped.unanswered] == [0, 1]


def test_map_by_id() -> None:
    ids = ["1", "2", "3", "2"]
    items = [Item(i, x, x) for i, x in enumerate(ids)]
    response = BatchResponse[Page](
        results=[Page(id="2"), Page(id="1")],
        errors=[StandardError(category="OBJECT_NOT_FOUND", context={"id": ["3"]})],
    )
    mapped = map_by_id(items, ids, response)
    assert sorted((i.index, r.id) for i, r in mapped.matched) == [(0, "1"), (1, "2"), (3, "2")]
    assert [(i.index, e.category) for i, e in mapped.errors] == [(2, "OBJECT_NOT_FOUND")]
    assert mapped.unanswered == []


# -- polling ---------------------------------------------------------------------------


class _Poller:
    def __init__(self, envelopes: list[BatchResponse[Page]]) -> None:
        self.envelopes = envelopes
        self.urls: list[str] = []

    async def request(self, method: str, path: str, /, **kwargs: Any) -> Any:
        self.urls.append(path)
        return self.envelopes.pop(0)


def _policy(sleeps: list[float], **kw: Any) -> PollPolicy:
    async def sleep(delay: float) -> None:
        sleeps.append(delay)

    return PollPolicy(initial_delay=0.1, max_delay=0.3, multiplier=2, sleep=sleep, **kw)


async def test_poll_until_complete_with_backoff() -> None:
    url = "http://h/status/1"
    client = _Poller(
        [
            BatchResponse[Page](status="PROCESSING", links={"self": url}),
            BatchResponse[Page](status="PROCESSING", links={"status": url}),
            BatchResponse[Page](status="COMPLETE", results=[Page(id="1")]),
        ]
    )
    sleeps: list[float] = []
    start = BatchResponse[Page](status="PENDING", links={"status": url})
    polled = await poll_batch(client, start, BatchResponse[Page], _policy(sleeps))
    assert isinstance(polled.response, BatchResponse)
    assert polled.response.status == "COMPLETE"
    assert polled.polls == 3
    assert sleeps == [0.1, 0.2, 0.3]
    assert client.urls == [url] * 3


async def test_poll_without_link_is_incomplete() -> None:
    polled = await poll_batch(
        _Poller([]), BatchResponse[Page](status="PENDING"), BatchResponse[Page], _policy([])
    )
    assert isinstance(polled.response, IncompleteBatch)
    assert polled.response.reason == "no status link to poll"


async def test_poll_gives_up_after_max_polls() -> None:
    url = "http://h/s"
    client = _Poller([BatchResponse[Page](status="PROCESSING", links={"status": url})] * 5)
    start = BatchResponse[Page](status="PENDING", links={"status": url})
    polled = await poll_batch(client, start, BatchResponse[Page], _policy([], max_polls=3))
    assert isinstance(polled.response, IncompleteBatch)
    assert polled.polls == 3


async def test_poll_deadline() -> None:
    import anyio

    url = "http://h/s"
    client = _Poller([BatchResponse[Page](status="PROCESSING", links={"status": url})] * 100)
    policy = PollPolicy(initial_delay=0.01, max_delay=0.01, deadline=0.05, sleep=anyio.sleep)
    start = BatchResponse[Page](status="PENDING", links={"status": url})
    polled = await poll_batch(client, start, BatchResponse[Page], policy)
    assert isinstance(polled.response, IncompleteBatch)
    assert "0.05" in polled.response.reason


# -- shard bounds ----------------------------------------------------------------------


@given(
    start=st.integers(0, 2_000_000_000_000),
    span=st.integers(0, 10_000_000),
    shards=st.integers(1, 40),
    probe=st.integers(-1000, 10_001_000),
)
def test_shard_bounds_partition_the_time_line(
    start: int, span: int, shards: int, probe: int
) -> None:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    oldest = epoch + timedelta(milliseconds=start)
    newest = oldest + timedelta(milliseconds=span)
    bounds = shard_bounds(oldest, newest, shards)
    assert 1 <= len(bounds) <= shards
    assert bounds[0][0] is None
    assert bounds[-1][1] is None
    instant = oldest + timedelta(milliseconds=probe, microseconds=probe % 997)
    hits = [
        (low is None or instant >= low) and (high is None or instant < high) for low, high in bounds
    ]
    assert hits.count(True) == 1
    if span + 1 >= shards:
        assert len(bounds) == shards


# -- journal ---------------------------------------------------------------------------


def test_journal_records_and_resumes(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = Journal(path, job="import")
    journal.open_sync("create")
    journal.mark_pending_sync([("a", 0), ("b", 1), ("c", 2)])
    journal.record_sync([("a", 0, "101")], [("b", 1, "CONFLICT", "taken")])
    journal.close_sync()

    again = Journal(path, job="import")
    again.open_sync("create")
    found = again.lookup_sync(["a", "b", "c", "d"])
    assert {k: (e.state, e.result_id) for k, e in found.items()} == {
        "a": ("done", "101"),
        "b": ("failed", None),
        "c": ("pending", None),
    }
    assert again.counts_sync() == {"done": 1, "failed": 1, "pending": 1}
    # A connection's `with` only commits; closing() closes it (3.13 warns about one left open).
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close_sync()


def test_journal_refuses_other_operation(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = Journal(path, job="x")
    journal.open_sync("create")
    journal.close_sync()
    with pytest.raises(JournalError, match="create"):
        Journal(path, job="x").open_sync("archive")


def test_journal_lookup_many_keys(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    journal.open_sync("read")
    keys = [f"k{i}" for i in range(1200)]
    journal.mark_pending_sync([(k, i) for i, k in enumerate(keys)])
    assert len(journal.lookup_sync(keys)) == 1200
    assert [e.index for e in journal.entries_sync()] == list(range(1200))
    journal.close_sync()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"created_at__gte": datetime(2024, 1, 1, tzinfo=UTC)},
        {"createdAt__lt": datetime(2024, 1, 1, tzinfo=UTC)},
        {"created_at__exact": datetime(2024, 1, 1, tzinfo=UTC), "createdAt__gte": "x"},
        {"after": "cursor"},
    ],
)
async def test_sharded_export_refuses_what_would_overlap_its_shards(kwargs: dict[str, Any]) -> None:
    # Refused before any request: the resource is never touched.
    with pytest.raises(ValueError, match=r"shard|beginning"):
        await anext(export(object(), shards=2, **kwargs))


async def test_reports_keep_ids_not_pages_by_default() -> None:
    """The default report stays small whatever the job's size: outcomes and ids, no pages
    (collect=True keeps them, collect=False keeps counts and failures only)."""
    fake = FakePages()
    default = await batch.create_many(fake, new_pages(30), chunk_size=10)
    assert [s.item for s in default.results] == [None] * 30
    assert all(isinstance(s.id, str) for s in default.results)
    assert default.items == []
    kept = await batch.create_many(fake, new_pages(5, start=100), collect=True)
    assert [str(p.slug) for p in kept.items] == [f"page-{i}" for i in range(100, 105)]
    counts = await batch.create_many(fake, new_pages(5, start=200), collect=False)
    assert (counts.succeeded, counts.results) == (5, [])


async def test_chunk_size_above_hubspots_batch_maximum_is_refused() -> None:
    """101 would be sent and split after HubSpot's 400s: refused before anything is sent."""
    fake = FakePages()
    with pytest.raises(errors.ValidationError, match="chunk_size: must be 1 to 100"):
        await batch.create_many(fake, new_pages(3), chunk_size=101)
    assert fake.pages == {}
