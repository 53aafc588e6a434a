"""``hubpages verify``: compare a migration's source and destination (see ``cli._verify``).

It takes migrate's options: both portals, ``--type``, ``--journal`` (the id map),
``--include-archived`` and ``--keep-domains``. Differences go to a JSON-lines file
(``--differences``, default ``JOURNAL.differences.jsonl``); a summary goes to stdout;
the exit status is 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import anyio

from .._connect import Portal, open_portal, preflight
from .._console import UsageError, error, note
from .._output import atomic_writer
from .._paths import check_output
from .._verify import id_map, verify_portals

__all__ = ["check", "run"]


async def run(args: argparse.Namespace) -> int:
    """Open both portals, compare, report."""
    from .migrate import endpoints  # migrate imports this module for --verify

    kinds = args.kinds or ["landing-pages", "site-pages"]
    ends = endpoints(args)
    if ends is None:
        raise UsageError("verify needs both portals: a source token and --to-token-env NAME")
    if not await anyio.Path(args.journal).exists():
        raise UsageError(f"--journal {args.journal}: no such file (the id map of a migration)")
    source, destination = ends
    async with (
        open_portal(args, concurrency=args.concurrency, **source) as src,
        open_portal(args, concurrency=args.concurrency, **destination) as dst,
    ):
        for portal in (src, dst):
            await preflight(portal.hs.landing_pages.folders)
        summary = await check(args, src, dst, kinds, args.journal)
    print(json.dumps(summary))
    return 1 if summary["differences"] else 0


async def check(
    args: argparse.Namespace, src: Portal, dst: Portal, kinds: list[str], journal: str
) -> dict[str, Any]:
    """Compare, write the differences file, return the summary (also migrate --verify)."""
    path = getattr(args, "differences", None) or f"{journal}.differences.jsonl"
    check_output(path, option="--differences")  # before a single read
    ids = id_map(journal, f"{src.identity}>{dst.identity}")
    note(args, f"verifying {', '.join(kinds)}: {len(ids)} copies in the id map")
    found = await verify_portals(
        src,
        dst,
        kinds,
        ids,
        include_archived=args.include_archived,
        keep_domains=args.keep_domains,
        concurrency=args.concurrency,
    )
    with atomic_writer(path) as out:
        for row in found.rows:
            out.write(json.dumps(row, default=str).encode() + b"\n")
    for row in found.rows[:10]:
        what = row.get("field") or row.get("problem")
        error(
            f"{row['type']} {row['sourceId']} -> {row['destinationId']} ({row['version']}): {what}"
        )
    if found.rows:
        error(f"{len(found.rows)} differences; see {path}")
    return {
        "command": "verify",
        "compared": found.compared,
        "differences": len(found.rows),
        "file": path,
    }
