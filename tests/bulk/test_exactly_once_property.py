"""Property: whatever the inputs (names and slugs repeated) and whatever the faults (503
before the server, answers lost after commit, resets, a job stopped between chunks and
resumed from its journal), the emulator ends with each input at most once, every page
is credited to exactly one input whose content it carries, and the report is truthful:
created + failed = inputs, and every failure is either a refusal HubSpot would give or
an outcome honestly reported unknown."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import anyio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubpages_async.batch import BatchProgress, BatchReport
from hubpages_async.bulk._identity import matches
from hubpages_async.emulator import Emulator
from hubpages_async.journal import Journal
from hubpages_async.models import Page

from ._emu import FAST_POLL, fast_client

_INPUT = st.builds(
    lambda name, slug, title: Page(
        name=name, template_path="templates/page.html", slug=slug, html_title=title
    ),
    name=st.sampled_from(["Home", "About"]),
    slug=st.sampled_from([None, None, "home", "about"]),
    title=st.sampled_from([None, "one", "two"]),
)


class _Stop(Exception):
    """Raised from on_progress to stop a job between chunks, as a crash would."""


async def _run(
    emu: Emulator, inputs: list[Page], journal: Path, *, stop_after: int | None, **opts: Any
) -> BatchReport[Any] | None:
    def on_progress(event: BatchProgress[Any]) -> None:
        if stop_after is not None and event.chunks_done >= stop_after:
            raise _Stop

    async with fast_client(emu) as hs:
        try:
            return await hs.site_pages.create_many(
                inputs,
                journal=Journal(journal, job="property"),
                on_progress=on_progress,
                poll=FAST_POLL,
                **opts,
            )
        except _Stop:
            return None


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    inputs=st.lists(_INPUT, min_size=1, max_size=40),
    chunk_size=st.integers(1, 8),
    concurrency=st.integers(1, 4),
    seed=st.integers(0, 10_000),
    stop_after=st.none() | st.integers(1, 4),
)
async def test_each_input_at_most_once_and_the_report_is_truthful(
    tmp_path_factory: Any,
    inputs: list[Page],
    chunk_size: int,
    concurrency: int,
    seed: int,
    stop_after: int | None,
) -> None:
    journal = Path(tmp_path_factory.mktemp("j")) / "job.journal"
    opts = {"chunk_size": chunk_size, "concurrency": concurrency, "max_rounds": 8}
    async with Emulator(
        rate_limit="1000000/200ms",
        faults="503=0.2,drop=0.2,reset=0.1",
        fault_seed=seed,
    ) as emu:
        with anyio.fail_after(60):
            if stop_after is not None:
                await _run(emu, inputs, journal, stop_after=stop_after, **opts)
            report = await _run(emu, inputs, journal, stop_after=None, **opts)
        pages = {str(p.id): p for p in emu.store.pages("site-pages")}

    assert report is not None
    assert report.succeeded + report.failed == len(inputs)
    credited = [s.id for s in report.results]
    # No page credited twice, and every credited page exists and carries its input.
    assert len(credited) == len(set(credited))
    for outcome in report.results:
        assert outcome.id in pages
        assert matches(inputs[outcome.index], pages[str(outcome.id)])
    uncredited = set(pages) - set(credited)
    unknown = [f for f in report.failures if f.category == "OUTCOME_UNKNOWN"]
    # A page nobody is credited with can only come from an outcome reported unknown.
    assert len(uncredited) <= len(unknown)
    for failure in report.failures:
        wanted = inputs[failure.index]
        if failure.category == "CONFLICT":
            # Truthful: some page really holds the slug it asked for.
            assert any(p.slug == wanted.slug for p in pages.values())
        else:
            assert failure.category == "OUTCOME_UNKNOWN", failure
    # A slug is held by one page at most, and a page without a slug is one input's.
    slugs = Counter(str(p.slug) for p in pages.values() if p.slug)
    assert all(n == 1 for n in slugs.values())
    unslugged = [i for i in inputs if i.slug is None]
    assert sum(1 for p in pages.values() if not p.slug) <= len(unslugged)
