"""``hubpages demo``'s default: a migration between two portals of the embedded emulator.

What the project is for, in about half a minute: portal 1 is seeded with realistic
folders, pages, language groups and A/B pairs; every object is copied to portal 2 with
its ids remapped, at HubSpot's free-tier rate limit, while the emulator injects server
errors and drops connections after applying batch creates. The summary then says what
the client did about it: retries, inputs reconciled instead of sent twice, the 429s its
limiter avoided, and the time taken against the least the rate limit allows.
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ._connect import Portal, client_kwargs, progress_for
from ._console import note, plural
from ._migrate_steps import MigrationRun, copy_folders, copy_pages, relink_expiry_redirects

if TYPE_CHECKING:
    from hubpages_async import HubPages
    from hubpages_async.emulator import Emulator

    from ._args import RateSpec

__all__ = ["DEFAULT_FAULTS", "minimum_seconds", "run_migration_demo"]

#: On listings and batch requests (a single create's unknown outcome would fail the item,
#: by design): server errors before the request is applied, and connections dropped
#: after it was.
DEFAULT_FAULTS: Final = "503=0.1,drop=0.1,paths=(/batch/|-pages$)"
_KINDS: Final = ("landing-pages", "site-pages")


def minimum_seconds(requests: int, limit: int, window: float) -> float:
    """The least time ``requests`` can take when any ``window`` holds at most ``limit``:
    the first ``limit`` go at once, and each further ``limit`` one window later.

    >>> minimum_seconds(250, 100, 10.0)
    20.0
    """
    return max(0, math.ceil(requests / limit) - 1) * window


@dataclass(frozen=True, slots=True)
class _Counts:
    """What one portal holds, read from the emulator's store (no requests)."""

    pages: int
    folders: int
    variants: int
    translations: int


def _counts(emu: Emulator, portal_id: int) -> _Counts:
    """Pages, folders, A/B variants and translations of one portal."""
    from hubpages_async.models import AB_VARIANT_STATUSES

    pages = [page for kind in _KINDS for page in emu.store.pages(kind, portal=portal_id)]
    variants = sum(1 for p in pages if str(p.ab_status or "").lower() in AB_VARIANT_STATUSES)
    translations = sum(1 for p in pages if isinstance(p.translated_from_id, str))
    folders = len(emu.store.folders(portal=portal_id))
    return _Counts(len(pages), folders, variants, translations)


async def run_migration_demo(args: argparse.Namespace) -> int:
    """Seed, migrate, check, summarise; exit 1 if anything failed or is missing."""
    from hubpages_async import HubPages
    from hubpages_async.emulator import Emulator
    from hubpages_async.emulator.seed import seed_portal

    spec: RateSpec = args.rate_limit
    faults = args.faults if args.faults is not None else DEFAULT_FAULTS
    tokens = ["demo-source@1", "demo-destination@2"]
    options = {"host": "127.0.0.1", "port": 0, "tokens": tokens, "fault_seed": args.seed}
    async with Emulator(rate_limit=spec.emulator_spec, faults=faults or None, **options) as emu:
        seed_portal(emu.store.portal(1), args.pages, random.Random(args.seed))
        source = _counts(emu, 1)
        note(
            args,
            f"embedded emulator at {emu.url}: migrating portal 1 ({source.pages} pages, "
            f"{source.folders} folders) to portal 2 at {spec.emulator_spec or 'no'} rate limit, "
            f"faults {faults or 'none'}",
        )
        kwargs = client_kwargs(args, concurrency=4)
        with tempfile.TemporaryDirectory(prefix="hubpages-demo-") as scratch:
            async with (
                HubPages("demo-source", base_url=emu.url, **kwargs) as src_hs,
                HubPages("demo-destination", base_url=emu.url, **kwargs) as dst_hs,
            ):
                run, seconds = await _migrate(args, scratch, src_hs, dst_hs)
                clients = {"source": src_hs, "destination": dst_hs}
                stats = {name: hs.stats for name, hs in clients.items()}
        copied = _counts(emu, 2)

    reconciled = sum(phase.reconciled for phase in run.progress.phases)
    resubmitted = sum(phase.resubmitted for phase in run.progress.phases)
    failed = len(run.failures)
    retries = sum(s.retries for s in stats.values())
    received_429 = sum(s.rate_limited_429 for s in stats.values())
    held_back = sum(s.throttle_waits for s in stats.values())
    busiest = max(stats, key=lambda name: stats[name].requests)
    sent = stats[busiest].requests
    print(
        f"demo: {args.pages} realistic pages of each type migrated between two portals of "
        "the embedded emulator"
    )
    print(f"  rate limit {spec.emulator_spec or 'none'} per portal; faults {faults or 'none'}")
    print(
        f"  copied: {copied.pages}/{source.pages} pages, {copied.folders}/{source.folders} "
        f"folders, {copied.variants}/{source.variants} A/B variants, "
        f"{copied.translations}/{source.translations} translations; "
        f"{plural(failed, 'failure')}, in {seconds:.1f}s"
    )
    print(
        f"  faults survived: {plural(retries, 'retry', 'retries')}; "
        f"{plural(reconciled, 'input')} whose batch answer was lost found in the destination "
        f"(reconciled, not created twice), {resubmitted} found missing and sent again"
    )
    print(
        f"  rate limit: {plural(received_429, '429')} received; "
        f"{plural(held_back, 'request')} held back by the client's limiter instead of refused"
    )
    if spec.requests is not None:
        least = minimum_seconds(sent, spec.requests, spec.per_seconds)
        share = f" ({least / seconds:.0%} of the ceiling)" if seconds > 0 and least else ""
        print(
            f"  time at the limit: the {busiest} client sent {plural(sent, 'request')} in "
            f"{seconds:.1f}s; {spec.emulator_spec} allows that many in no less than "
            f"{least:.1f}s{share}"
        )
    ok = failed == 0 and copied == source
    print(f"  result: {'OK' if ok else 'PROBLEMS (see above)'}")
    return 0 if ok else 1


async def _migrate(
    args: argparse.Namespace, scratch: str, src_hs: HubPages, dst_hs: HubPages
) -> tuple[MigrationRun, float]:
    """The four steps of ``hubpages migrate``, with a progress display over both clients."""
    src = Portal(src_hs, "portal 1", "demo-source")
    dst = Portal(dst_hs, "portal 2", "demo-destination")
    progress = progress_for(args, src_hs, dst_hs)
    journal = str(Path(scratch) / "migrate.journal")
    run = MigrationRun(journal, "demo", progress, chunk_size=100, concurrency=4)
    run.carry_drafts = False  # 1,200 draft reads would take the demo past two minutes
    started = time.monotonic()
    with progress:
        await copy_folders(run, src, dst)
        for kind in _KINDS:
            await copy_pages(run, src, dst, kind)
        await relink_expiry_redirects(run, dst)
    return run, time.monotonic() - started
