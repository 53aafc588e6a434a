"""``hubpages migrate``: copy folders and pages to another portal, remapping every id.

This module reads the command line, opens both portals (or an embedded emulator with
two portals) and reports; the steps themselves, and why they run in that order, are
in :mod:`hubpages_async.cli._migrate_steps`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from .._connect import Portal, open_portal, preflight, progress_for, rate_limit_of, token_from_env
from .._console import EXIT_UNREACHABLE, UsageError, error, note, resume_command
from .._migrate_steps import (
    MigrationRun,
    copy_folders,
    copy_pages,
    relink_expiry_redirects,
    vars_of,
)
from .._output import atomic_writer
from .._paths import check_output
from .._unreachable import server_of
from .._verify import id_map
from .verify import check

__all__ = ["endpoints", "run"]


def _destination_token(args: argparse.Namespace) -> str:
    """The destination token from ``--to-token`` or ``--to-token-env``."""
    if args.to_token:
        return str(args.to_token)
    if args.to_token_env:
        token = token_from_env(args.to_token_env)
        if token is None:
            raise UsageError(f"--to-token-env {args.to_token_env}: that variable is empty or unset")
        return token
    raise UsageError("migrate needs the destination portal's token: --to-token-env NAME")


def endpoints(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``open_portal`` keywords for source and destination, or None for the embedded
    emulator (no token, no destination, no --base-url). Shared with ``verify``."""
    from_env = args.from_token_env or args.token_env
    source_token = args.from_token or token_from_env(from_env)
    no_destination = not (args.to_token or args.to_token_env)
    if source_token is None and no_destination and not args.base_url:
        return None
    if source_token is None:
        raise UsageError(
            f"{args.command} needs the source portal's token in ${from_env} (--from-token-env NAME)"
        )
    destination = {
        "token": _destination_token(args),
        "base_url": args.to_base_url or args.base_url,
    }
    return {"token": source_token, "token_env": from_env}, destination


async def run(args: argparse.Namespace) -> int:
    """Copy everything, print the JSON summary, write failures next to the journal."""
    kinds = args.kinds or ["landing-pages", "site-pages"]
    ends = endpoints(args)
    if ends is None:
        return await _run_embedded(args, kinds)
    args.resume_hint = resume_command()
    args.interrupt_note = f"finished steps and chunks are recorded in {args.journal}"
    return await _migrate(args, kinds, args.journal, *ends)


async def _run_embedded(args: argparse.Namespace, kinds: list[str]) -> int:
    """No tokens at all: migrate between two portals of one embedded emulator.

    Portal 1 is seeded with realistic folders and pages (language groups, A/B pairs,
    drafts), so the run shows the whole remapping without touching HubSpot.
    """
    import random
    import tempfile

    from hubpages_async.emulator import Emulator
    from hubpages_async.emulator.seed import seed_portal

    rate = rate_limit_of(args).emulator_spec
    tokens = ["source-portal@1", "destination-portal@2"]
    async with Emulator(host="127.0.0.1", port=0, rate_limit=rate, tokens=tokens) as emu:
        seed_portal(emu.store.portal(1), args.emulator_pages, random.Random(0))
        note(
            args,
            f"no tokens and no --base-url: migrating between two portals of the embedded "
            f"emulator at {emu.url} (portal 1 seeded with {args.emulator_pages} pages per type)",
        )
        # The emulator's portals end with the command, so its journal does too.
        with tempfile.TemporaryDirectory(prefix="hubpages-migrate-") as scratch:
            return await _migrate(
                args,
                kinds,
                os.path.join(scratch, "migrate.journal"),
                {"token": "source-portal", "base_url": emu.url},
                {"token": "destination-portal", "base_url": emu.url},
                keep_journal=False,
            )


async def _dry_run(
    args: argparse.Namespace,
    src: Portal,
    dst: Portal,
    kinds: list[str],
    journal: str,
    keep_journal: bool,
) -> int:
    """``--dry-run``: read both portals, print the plan and write it as JSON."""
    from .._migrate_plan import make_plan

    # Next to the journal, unless that is the embedded emulator's scratch directory.
    path = args.plan or (f"{journal}.plan.json" if keep_journal else None)
    if path is not None:
        check_output(path, option="--plan")  # before a single read
    note(args, f"planning {', '.join(kinds)} from {src.label} to {dst.label} (nothing is written)")
    plan = await make_plan(args, src, dst, kinds, journal, rate_limit_of(args))
    if path is not None:
        with atomic_writer(path) as out:
            out.write(json.dumps(plan, indent=2, default=str).encode() + b"\n")
    for kind, counts in plan["counts"].items():
        note(args, f"{kind}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for conflict in plan["conflicts"][:10]:
        url, holder = conflict["url"], conflict["takenBy"]
        note(
            args,
            f"conflict: {conflict['type']} {conflict['sourceId']} wants {url['domain']}/"
            f"{url['slug']}, held by {holder['id']} ({holder['name']})",
        )
    requests = plan["requests"]
    note(
        args,
        f"{requests['total']} requests ({requests['source']} source, "
        f"{requests['destination']} destination), {plan['secondsAtLimit']} s at "
        f"{plan['rateLimit']}" + (f"; plan written to {path}" if path else ""),
    )
    print(json.dumps(plan, default=str))
    return 0


async def _migrate(
    args: argparse.Namespace,
    kinds: list[str],
    journal: str,
    source: dict[str, Any],
    destination: dict[str, Any],
    *,
    keep_journal: bool = True,
) -> int:
    """Run the four steps between two open portals; return the exit status."""
    failures_path = f"{journal}.failures.jsonl"
    check_output(failures_path, option="--journal")  # found out before anything is sent
    started = time.monotonic()
    async with (
        open_portal(args, concurrency=args.concurrency, **source) as src,
        open_portal(args, concurrency=args.concurrency, **destination) as dst,
    ):
        if src.identity is not None and src.identity == dst.identity:
            raise UsageError("the source and destination are the same portal (same URL and token)")
        for portal in (src, dst):
            await preflight(portal.hs.landing_pages.folders)
        if args.dry_run:
            return await _dry_run(args, src, dst, kinds, journal, keep_journal)
        note(args, f"migrating {', '.join(kinds)} from {src.label} to {dst.label}")
        # Both portals' counters: the source's list calls wait for its limiter too.
        progress = progress_for(args, src.hs, dst.hs)
        route = f"{src.identity}>{dst.identity}"
        state = MigrationRun(
            journal, route, progress, args.chunk_size, args.concurrency, args.keep_domains
        )
        state.include_archived, state.delete = args.include_archived, args.delete
        # Copies earlier runs made, by source key: the archived step and sync need them
        # before the create steps would find them again.
        state.ids.update(id_map(journal, route))
        with progress:
            if "landing-pages" in kinds:  # only landing pages live in folders
                await copy_folders(state, src, dst)
            for kind in kinds:
                await copy_pages(state, src, dst, kind)
            await relink_expiry_redirects(state, dst)
        checked = None
        if args.verify and not state.failures:
            checked = await check(args, src, dst, kinds, journal)
    if state.failures:
        with atomic_writer(failures_path) as out:
            for row in state.failures:
                out.write(json.dumps(row).encode() + b"\n")
    summary = {
        "command": "migrate",
        "steps": {name: vars_of(step) for name, step in state.steps.items()},
        "failed": len(state.failures),
        "failures": failures_path if state.failures else None,
        "journal": journal if keep_journal else None,
        "ids": len(state.ids),
        "seconds": round(time.monotonic() - started, 3),
    }
    summary["archivedAtSource"] = state.archived_at_source
    if checked is not None:
        summary["verify"] = checked
    print(json.dumps(summary))
    if state.unreachable is not None:
        # Not a verdict on the items: the server stopped answering. The journal holds
        # what is done and what may have been applied, so a rerun resumes.
        error(
            f"could not reach {server_of(state.unreachable)}: {len(state.failures)} items "
            f"were not migrated (see {failures_path}; last error: {state.unreachable})"
        )
        if args.resume_hint:
            print(f"hubpages: to resume once it answers, run: {args.resume_hint}", file=sys.stderr)
        return EXIT_UNREACHABLE
    if state.failures:
        for row in state.failures[:10]:
            error(f"{row['step']} {row['sourceId']}: {row['category']}: {row['message']}")
        error(f"{len(state.failures)} items failed to migrate; see {failures_path}")
        return 1
    for gone in state.archived_at_source[:10]:
        verb = "archived its copy" if args.delete else "kept its copy (--delete archives it)"
        note(args, f"{gone['type']} {gone['sourceId']} is archived at the source: {verb}")
    if checked is not None and checked["differences"]:
        error(f"the migration finished but verify found {checked['differences']} differences")
        return 1
    note(args, "migration complete" + (", verified" if checked is not None else ""))
    return 0
