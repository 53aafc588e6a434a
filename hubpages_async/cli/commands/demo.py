"""``hubpages demo``: the whole tool in one command, on a fresh machine, with no token.

By default, a migration between two portals of the embedded emulator, at a real rate
limit and with injected faults (:mod:`hubpages_async.cli._demo_migration`). With
``--round-trip``: generate realistic pages, import them through batch jobs, export
them back through a sharded export and check the round trip field by field. Both use
the same code paths as ``migrate``, ``import`` and ``export``.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from typing import Final

import msgspec

from hubpages_async.models import READ_ONLY_PAGE_FIELDS, UNSET, Page

from .._connect import EMULATOR_TOKEN, client_kwargs, progress_for
from .._console import note, plural
from .._demo_migration import run_migration_demo
from .._progress import BulkCounter

__all__ = ["DEFAULT_PAGES", "compare_pages", "run"]

#: ``--pages`` by default: per page type for the migration, in all for the round trip.
DEFAULT_PAGES: Final = {"migration": 600, "round-trip": 3000}

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
    """The migration demo, or with ``--round-trip`` the import/export round trip."""
    if args.pages is None:
        args.pages = DEFAULT_PAGES["round-trip" if args.round_trip else "migration"]
    if args.seed is None:
        args.seed = 0 if args.round_trip else 1
    if args.round_trip:
        return await _round_trip(args)
    return await run_migration_demo(args)


async def _round_trip(args: argparse.Namespace) -> int:
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
            progress = progress_for(args, hs)
            with progress:
                imported = progress.start("import", len(pages))
                report = await hs.site_pages.create_many(
                    pages, chunk_size=100, concurrency=4, on_progress=BulkCounter(progress)
                )
                walked = progress.start("export", len(pages))
                exported: dict[str, Page] = {}
                async for page in hs.site_pages.export(shards=4):
                    exported[str(page.id)] = page
                    progress.advance(1)
            stats = hs.stats

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
    requests = int(progress.counters(imported)["requests"])
    print(f"demo: {n} realistic site pages through the embedded emulator")
    print(
        f"  import: {report.succeeded} created, {report.failed} failed in "
        f"{imported.seconds():.1f}s ({imported.rate():,.0f} pages/s, "
        f"{plural(requests, 'request')})"
    )
    print(
        f"  export: {len(exported)} pages in {walked.seconds():.1f}s "
        f"({walked.rate():,.0f} pages/s, 4 shards)"
    )
    print(
        f"  round trip: {identical}/{report.succeeded} pages identical on every field sent"
        + (f"; {missing} missing from the export" if missing else "")
    )
    for name, count in differing.most_common():
        print(f"    {name}: differs on {count} pages")
    print(
        f"  client: {plural(stats.requests, 'request')}, "
        f"{plural(stats.retries, 'retry', 'retries')}, "
        f"{plural(stats.rate_limited_429, '429')} seen, "
        f"{stats.throttle_wait_seconds:.1f}s waiting on the rate limit"
    )
    ok = report.failed == 0 and missing == 0 and not differing and report.succeeded == n
    print(f"  result: {'OK' if ok else 'PROBLEMS (see above)'}")
    return 0 if ok else 1
