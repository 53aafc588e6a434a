"""Requests and time of ``hubpages migrate`` against the minimum the API allows (issue 12).

    python -m benchmarks.migrate_requests --pages 2500 --rate 190/10s

Seeds portal 1 of an in-process emulator with ``--pages`` realistic pages per type
(folders, published/draft/scheduled pages, drafts that differ from live, language
groups, A/B pairs), runs ``hubpages migrate --verify`` to portal 2 in a subprocess at the
rate limit on both sides, and prints, per portal, the requests sent against the minimum
counted from the seeded store, and the time taken against the time the limit forces
for that minimum. ``--rate none`` counts requests without a limit (fast).

The minimum: listing every folder and page (100 per request), one draft read per page
(HubSpot has no batch draft endpoint), one batch create per 100 folders of a tree level
and per 100 pages, two calls per A/B variant (create-ab-test-variation, then its
content), one attach per translation, one draft update per page whose draft differs,
one update per expiry redirect. Verify's own reads are counted apart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.seed import seed_portal
from hubpages_async.models import AB_VARIANT_STATUSES

KINDS = ("site-pages", "landing-pages")


def _minimum(emu: Emulator) -> dict[str, int]:
    """The fewest requests per portal that copy portal 1's content to portal 2."""
    store = emu.store
    folders = store.folders(portal=1)
    by_id = {str(f.id): f for f in folders}
    levels: dict[int, int] = {}
    for folder in folders:
        depth, parent = 0, str(folder.parent_folder_id)
        while parent in by_id:
            depth, parent = depth + 1, str(by_id[parent].parent_folder_id)
        levels[depth] = levels.get(depth, 0) + 1
    source = max(1, math.ceil(len(folders) / 100))
    destination = sum(math.ceil(n / 100) for n in levels.values())
    coll = store.portal(1).pages
    for kind in KINDS:
        pages = store.pages(kind, portal=1)
        variants = [p for p in pages if str(p.ab_status).lower() in AB_VARIANT_STATUSES]
        translations = [p for p in pages if isinstance(p.translated_from_id, str)]
        redirects = [p for p in pages if p.page_expiry_redirect_id]
        differing = sum(
            1
            for rec in (coll[kind].records[int(str(p.id))] for p in pages)
            if rec.draft.html_title != rec.live.html_title
        )
        source += max(1, math.ceil(len(pages) / 100)) + len(pages)
        destination += (
            math.ceil((len(pages) - len(variants)) / 100)
            + 2 * len(variants)
            + len(translations)
            + differing
            + len(redirects)
        )
    return {"source": source, "destination": destination}


def _per_portal(log: list[Any]) -> dict[str, int]:
    return {
        "source": sum(r.portal == 1 for r in log),
        "destination": sum(r.portal == 2 for r in log),
    }


async def _cli(*argv: str) -> tuple[int, dict[str, Any], float]:
    """Run ``hubpages ARGV``; return its exit status, JSON summary and seconds taken."""
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hubpages_async.cli", *argv, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, json.loads(out), time.monotonic() - started


async def _run(pages: int, rate: str, *, verify: bool = True) -> dict[str, Any]:
    limit = None if rate == "none" else rate
    tokens = ["src-token@1", "dst-token@2"]
    async with Emulator(host="127.0.0.1", port=0, rate_limit=limit, tokens=tokens) as emu:
        seed_portal(emu.store.portal(1), pages, random.Random(12))
        minimum = _minimum(emu)
        with tempfile.TemporaryDirectory() as scratch:
            common = [
                *("--base-url", emu.url, "--from-token", "src-token", "--to-token", "dst-token"),
                *("--quiet", "--journal", str(Path(scratch) / "j"), "--rate-limit", rate),
            ]
            code, summary, seconds = await _cli("migrate", *common)
            migrated = _per_portal(emu.request_log)
            mark = len(emu.request_log)
            verify_code, verified, verify_seconds = (
                await _cli("verify", *common) if verify else (0, {"differences": None}, 0.0)
            )
            verify_sent = _per_portal(emu.request_log[mark:])
    per = None if limit is None else int(rate.split("/")[0]) / float(rate.split("/")[1].rstrip("s"))
    return {
        "pages_per_type": pages,
        "rate": rate,
        "migrate_exit": code,
        "failed": summary["failed"],
        "requests_sent": migrated,
        "requests_minimum": minimum,
        "seconds": round(seconds, 1),
        "seconds_forced_by_limit_for_minimum": (
            None if per is None else round(max(minimum.values()) / per, 1)
        ),
        "verify_exit": verify_code,
        "verify_differences": verified["differences"],
        "verify_requests": verify_sent,
        "verify_seconds": round(verify_seconds, 1),
        "steps": summary["steps"],
    }


def main() -> None:
    """Run once and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2500)
    parser.add_argument("--rate", default="none", help="e.g. 190/10s, or none")
    parser.add_argument("--no-verify", action="store_true", help="skip the verify run")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(_run(args.pages, args.rate, verify=not args.no_verify)), indent=2))


if __name__ == "__main__":
    main()
