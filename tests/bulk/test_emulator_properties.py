"""Property tests against the emulator: pagination and sharded export yield each page
exactly once, and a bulk job's report covers every input once, in input order."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubpages_async import export
from hubpages_async.emulator import Emulator

from ._emu import FAST_POLL, fast_client, page_inputs

_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _ticking_clock(step: float) -> itertools.count[float]:
    # Every call advances the emulator's wall clock: creation times differ by ``step``
    # (sub-millisecond steps put many pages inside one filter millisecond).
    return itertools.count(1_700_000_000.0, step)


@_SETTINGS
@given(
    n=st.integers(0, 160),
    limit=st.integers(1, 60),
    shards=st.integers(1, 7),
    step=st.sampled_from([0.0, 0.0003, 0.002, 0.7]),
)
async def test_pagination_and_export_yield_each_page_once(
    n: int, limit: int, shards: int, step: float
) -> None:
    clock = _ticking_clock(step)
    async with (
        Emulator(rate_limit=None, wall_clock=lambda: next(clock)) as emu,
        fast_client(emu) as hs,
    ):
        # One page per batch at first so creation times really differ, then batches.
        await hs.site_pages.create_many(page_inputs(min(n, 20)), chunk_size=1, poll=FAST_POLL)
        await hs.site_pages.create_many(page_inputs(n - min(n, 20), start=20), poll=FAST_POLL)
        expected = sorted(str(p.id) for p in emu.store.pages("site-pages"))
        assert len(expected) == n

        paged = [str(p.id) async for p in hs.site_pages.list(limit=limit)]
        assert sorted(paged) == expected
        assert len(paged) == len(set(paged))

        exported = Counter(
            [str(p.id) async for p in export.export(hs.site_pages, shards=shards, limit=limit)]
        )
        assert sorted(exported) == expected
        assert all(count == 1 for count in exported.values())


@_SETTINGS
@given(
    n=st.integers(0, 220),
    chunk_size=st.integers(1, 100),
    concurrency=st.integers(1, 6),
    seed=st.integers(0, 50),
)
async def test_report_covers_every_input_in_order_over_http(
    n: int, chunk_size: int, concurrency: int, seed: int
) -> None:
    async with (
        # A 200 ms server window (never reached): an injected 429 pauses 0.2 s, not 10 s.
        Emulator(
            rate_limit="1000000/200ms",
            faults="500=0.05,drop=0.05,reset=0.02,truncate=0.02,429=0.02,cancel=0.1",
            fault_seed=seed,
            async_batches=seed % 2 == 0,
        ) as emu,
        fast_client(emu) as hs,
    ):
        report = await hs.site_pages.create_many(
            page_inputs(n), chunk_size=chunk_size, concurrency=concurrency, poll=FAST_POLL
        )
        assert [o.index for o in report.outcomes()] == list(range(n))
        assert report.ok, report.failures[:3]
        slugs = Counter(str(p.slug) for p in emu.store.pages("site-pages"))
        assert sorted(slugs) == sorted(f"bulk/page-{i}" for i in range(n))
        assert all(c == 1 for c in slugs.values())
