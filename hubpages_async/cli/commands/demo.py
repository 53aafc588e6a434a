"""``hubpages demo``: the whole tool in one command, on a fresh machine, with no token.

Starts the embedded emulator, generates realistic pages, imports them through batch
jobs with progress, exports them back through a sharded export, checks the round trip
field by field and prints a summary. It uses the same code paths as ``import`` and
``export``, against the emulator's HubSpot-like rate limit.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from typing import Final

import msgspec

from hubpages_async.models import READ_ONLY_PAGE_FIELDS, UNSET, Page

from .._connect import EMULATOR_TOKEN, client_kwargs, stats_of
from .._console import note
from .._progress import BulkCounter, make_progress

__all__ = ["compare_pages", "run"]

_FIELDS: Final = tuple(f.name for f in msgspec.structs.fields(Page))


def compare_pages(sent: Page, got: Page) -> list[str]:
    """Names of the fields ``sent`` set that came back different in ``got``.

    Only fields the caller set are compared (server-owned ones are read-only and
    stripped on create); values are compared as JSON so that ``1.0 == 1`` style
    encoding differences do not count while any real change does.
    """
    differing = []
    for name in _FIELDS:
        if name in READ_ONLY_PAGE_FIELDS:
            continue
        value = getattr(sent, name)
        if value is UNSET:
            continue
        if msgspec.to_builtins(value) != msgspec.to_builtins(getattr(got, name)):
            differing.append(name)
    return differing


async def run(args: argparse.Namespace) -> int:
    """Import, export, compare, summarise. Exit 1 if anything failed or differs."""
    from hubpages_async import HubPages
    from hubpages_async.emulator import Emulator
    from hubpages_async.emulator.seed import realistic_page

    rng = random.Random(args.seed)
    pages = [realistic_page(i, rng, kind="site-pages") for i in range(args.pages)]
    emulator_rate = args.rate_limit.emulator_spec
    async with Emulator(
        host="127.0.0.1", port=0, rate_limit=emulator_rate, faults=args.faults, fault_seed=args.seed
    ) as emu:
        note(args, f"embedded emulator at {emu.url} (rate limit {emulator_rate or 'none'})")
        async with HubPages(
            EMULATOR_TOKEN, base_url=emu.url, **client_kwargs(args, concurrency=4)
        ) as hs:

            def portal_stats() -> dict[str, float]:
                """The client counters, for the bar and the summary."""
                return stats_of(hs)

            progress = make_progress(quiet=args.quiet, stats=portal_stats)
            try:
                progress.start("import", len(pages))
                t0 = time.monotonic()
                report = await hs.site_pages.create_many(
                    pages, chunk_size=100, concurrency=4, on_progress=BulkCounter(progress)
                )
                import_seconds = time.monotonic() - t0
                import_requests = portal_stats()["requests"]

                progress.start("export", len(pages))
                t1 = time.monotonic()
                exported: dict[str, Page] = {}
                async for page in hs.site_pages.export(shards=4):
                    exported[str(page.id)] = page
                    progress.advance(1)
                export_seconds = time.monotonic() - t1
            finally:
                progress.close()
            stats = portal_stats()

    differing: Counter[str] = Counter()
    missing = 0
    identical = 0
    for outcome in report.results:
        got = exported.get(str(outcome.id))
        if got is None:
            missing += 1
            continue
        fields = compare_pages(pages[outcome.index], got)
        differing.update(fields)
        identical += not fields

    n = len(pages)
    print(f"demo: {n} realistic site pages through the embedded emulator")
    print(
        f"  import: {report.succeeded} created, {report.failed} failed in {import_seconds:.1f}s "
        f"({report.succeeded / import_seconds:,.0f} pages/s, {int(import_requests)} requests)"
    )
    print(
        f"  export: {len(exported)} pages in {export_seconds:.1f}s "
        f"({len(exported) / max(export_seconds, 1e-9):,.0f} pages/s, 4 shards)"
    )
    print(
        f"  round trip: {identical}/{report.succeeded} pages identical on every field sent"
        + (f"; {missing} missing from the export" if missing else "")
    )
    for name, count in differing.most_common():
        print(f"    {name}: differs on {count} pages")
    print(
        f"  client: {int(stats['requests'])} requests, {int(stats['retries'])} retries, "
        f"{int(stats['rate_limited'])} 429s seen, {stats['waited']:.1f}s waiting on the rate limit"
    )
    ok = report.failed == 0 and missing == 0 and not differing and report.succeeded == n
    print(f"  result: {'OK' if ok else 'PROBLEMS (see above)'}")
    return 0 if ok else 1
