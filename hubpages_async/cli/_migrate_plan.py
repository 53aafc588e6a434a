"""``hubpages migrate --dry-run``: what a migration will do, from reads alone.

Both portals are listed and every source draft is read (to know which drafts differ), and
nothing is written to either: no create, update or delete, and no journal entry. The plan
names the folders to create, the language groups and A/B pairs to rebuild, every
destination URL already taken by a page that a create would collide with, and the
requests the run will make, per portal, with the time that takes at the chosen rate limit.

URLs are compared as the emulator and HubSpot index them: (domain, slug, language), the
domain being the page's own with ``--keep-domains`` and otherwise the destination's
default domain of the page type. A/B variants share their original's URL and are left out.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import anyio

from hubpages_async.models import AB_VARIANT_STATUSES, ContentFolder, Page

from ._args import RateSpec
from ._connect import Portal
from ._migrate_content import live_digest
from ._migrate_sync import updated_of
from ._verify import done_entries, listed, patient

__all__ = ["make_plan"]

#: HubSpot's page size for listings and its largest batch.
_PAGE: Final = 100


def _pages(n: int, size: int = _PAGE) -> int:
    """Requests to list ``n`` items (one at least: an empty listing is still asked)."""
    return max(1, math.ceil(n / size))


def _chunks(n: int, size: int) -> int:
    """Batch requests for ``n`` inputs (none for none)."""
    return math.ceil(n / size) if n else 0


def _is_variant(page: Page) -> bool:
    return isinstance(page.ab_status, str) and page.ab_status.lower() in AB_VARIANT_STATUSES


def _url_key(kind: str, page: Page, *, own_domain: bool) -> tuple[str, str, str] | None:
    """(domain, slug, language) of a page, or of its copy when ``own_domain`` is False."""
    if not isinstance(page.slug, str) or _is_variant(page):
        return None
    domain = page.domain if own_domain and isinstance(page.domain, str) else ""
    language = page.language if isinstance(page.language, str) else ""
    return (domain.lower() or f"(default {kind} domain)", page.slug.lower(), language.lower())


def _copies(journal: str, route: str, kind: str) -> dict[str, str]:
    """``kind:source id`` -> source ``updated`` when copied, of copies not yet gone
    (read-only: a dry run writes nothing, not even a table)."""
    try:
        db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        rows = db.execute(
            "SELECT key, source_updated FROM copies WHERE route = ? AND key LIKE ?"
            " AND gone_at IS NULL",
            (route, f"{kind}:%"),
        )
        return dict(rows)
    except sqlite3.Error:
        return {}
    finally:
        db.close()


@dataclass(slots=True)
class _Requests:
    """Requests the run will send, per portal."""

    source: int = 0
    destination: int = 0


@dataclass(slots=True)
class Plan:
    """The JSON the dry run prints."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    folders_to_create: list[dict[str, Any]] = field(default_factory=list)
    language_groups: list[dict[str, Any]] = field(default_factory=list)
    ab_pairs: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    requests: _Requests = field(default_factory=_Requests)


async def _plan_folders(plan: Plan, src: Portal, done: dict[str, str | None], chunk: int) -> None:
    folders: list[ContentFolder] = await listed(src.hs.landing_pages.folders)
    by_id = {str(f.id): f for f in folders}

    def path(folder: ContentFolder) -> str:
        names, seen = [str(folder.name)], {str(folder.id)}
        parent = str(folder.parent_folder_id)
        while parent in by_id and parent not in seen:
            seen.add(parent)
            names.append(str(by_id[parent].name))
            parent = str(by_id[parent].parent_folder_id)
        return "/".join(reversed(names))

    todo = [f for f in folders if f"folder:{f.id}" not in done]
    plan.folders_to_create = [{"sourceId": str(f.id), "path": path(f)} for f in todo]
    plan.counts["folders"] = {"source": len(folders), "toCreate": len(todo)}
    depth: dict[int, int] = {}
    for f in todo:
        level = path(f).count("/")
        depth[level] = depth.get(level, 0) + 1
    plan.requests.source += _pages(len(folders))
    plan.requests.destination += sum(_chunks(n, chunk) for n in depth.values())


async def _differing_drafts(src: Portal, kind: str, pages: Iterable[Page], concurrency: int) -> int:
    """How many of ``pages`` have a draft that differs from live (one read each)."""
    differing = 0
    slots = anyio.Semaphore(max(1, concurrency))
    resource = src.pages(kind)

    async def one(page: Page) -> None:
        nonlocal differing
        try:
            draft = await patient(lambda: resource.get_draft(str(page.id)))
            differing += live_digest(draft) != live_digest(page)
        finally:
            slots.release()

    async with anyio.create_task_group() as tg:
        for page in pages:
            await slots.acquire()
            tg.start_soon(one, page)
    return differing


async def _plan_pages(
    plan: Plan,
    src: Portal,
    dst: Portal,
    kind: str,
    done: dict[str, str | None],
    args: Any,
) -> None:
    source: list[Page] = await listed(src.pages(kind))
    taken: dict[tuple[str, str, str], Page] = {}
    for page in await listed(dst.pages(kind)):
        key = _url_key(kind, page, own_domain=True)
        if key is not None:
            taken[key] = page
    archived: list[Page] = (
        await listed(src.pages(kind), archived=True) if args.include_archived else []
    )
    todo = [p for p in source if f"{kind}:{p.id}" not in done]
    archived_todo = [p for p in archived if f"{kind}:{p.id}" not in done]
    bases = [p for p in todo if not _is_variant(p)]
    variants = [p for p in todo if _is_variant(p)]
    translations = [
        p for p in source if isinstance(p.translated_from_id, str) and p.translated_from_id
    ]
    translations_todo = [p for p in translations if f"{kind}-lang:{p.id}" not in done]
    redirects = [
        p
        for p in source
        if isinstance(p.page_expiry_redirect_id, int)
        and p.page_expiry_redirect_id
        and f"{kind}-redirect:{p.id}" not in done
    ]
    drafts_todo = [p for p in source if f"{kind}-draft:{p.id}@{updated_of(p)}" not in done]
    copied = _copies(args.journal_path, args.route, kind)
    changed = [
        p for p in source if f"{kind}:{p.id}" in copied and copied[f"{kind}:{p.id}"] < updated_of(p)
    ]
    listed_ids = {f"{kind}:{p.id}" for p in source}
    gone = [k for k in copied if k not in listed_ids]
    differing = await _differing_drafts(src, kind, drafts_todo, args.concurrency)

    for page in [*archived_todo, *bases]:
        key = _url_key(kind, page, own_domain=args.keep_domains)
        holder = taken.get(key) if key is not None else None
        if holder is not None and key is not None:
            plan.conflicts.append(
                {
                    "type": kind,
                    "sourceId": str(page.id),
                    "name": page.name,
                    "url": {"domain": key[0], "slug": key[1], "language": key[2]},
                    "takenBy": {"id": str(holder.id), "name": holder.name, "url": holder.url},
                }
            )
    masters = {str(p.ab_test_id): p for p in source if p.ab_test_id and not _is_variant(p)}
    for variant in variants:
        master = masters.get(str(variant.ab_test_id))
        plan.ab_pairs.append(
            {
                "type": kind,
                "originalId": str(master.id) if master else None,
                "variantId": str(variant.id),
                "variantName": variant.name,
            }
        )
    groups: dict[str, list[dict[str, Any]]] = {}
    for page in translations_todo:
        groups.setdefault(str(page.translated_from_id), []).append(
            {"id": str(page.id), "language": page.language}
        )
    for primary, members in sorted(groups.items()):
        plan.language_groups.append({"type": kind, "primaryId": primary, "translations": members})

    plan.counts[kind] = {
        "source": len(source),
        "toCreate": len(bases),
        "abVariants": len(variants),
        "translations": len(translations_todo),
        "draftsDiffering": differing,
        "expiryRedirects": len(redirects),
        "archived": len(archived_todo),
        "alreadyCopied": len(source) - len(todo),
        "changedSinceCopied": len(changed),
        "archivedAtSource": len(gone),
    }
    chunk = args.chunk_size
    # Source: total (list limit=1), the listing, one draft read per page not yet done.
    plan.requests.source += 1 + _pages(len(source)) + len(drafts_todo)
    if args.include_archived:
        plan.requests.source += _pages(len(archived))
    # Destination: batch creates; two calls per variant (create-ab-test-variation,
    # then its content); one per translation, differing draft and expiry redirect;
    # archived pages are a batch create and a batch archive.
    plan.requests.destination += (
        _chunks(len(bases), chunk)
        + 2 * len(variants)
        + len(translations_todo)
        + differing
        + len(redirects)
        + 2 * _chunks(len(archived_todo), chunk)
        + _chunks(len(changed), chunk)
        + (_chunks(len(gone), chunk) if args.delete else 0)
    )


async def make_plan(
    args: Any, src: Portal, dst: Portal, kinds: list[str], journal: str, rate: RateSpec
) -> dict[str, Any]:
    """Read both portals and return the plan as JSON-ready data."""
    args.route = f"{src.identity}>{dst.identity}"
    args.journal_path = journal
    done = done_entries(journal, args.route)
    plan = Plan()
    plan.requests.source += 1  # preflight, one read per portal
    plan.requests.destination += 1
    if "landing-pages" in kinds:
        await _plan_folders(plan, src, done, args.chunk_size)
    for kind in kinds:
        await _plan_pages(plan, src, dst, kind, done, args)
    busiest = max(plan.requests.source, plan.requests.destination)
    seconds = None if rate.requests is None else busiest * rate.per_seconds / rate.requests
    budgets = [
        (portal.hs.stats.daily_remaining, sent)
        for portal, sent in ((src, plan.requests.source), (dst, plan.requests.destination))
    ]
    return {
        "command": "migrate --dry-run",
        "counts": plan.counts,
        "foldersToCreate": plan.folders_to_create,
        "languageGroups": plan.language_groups,
        "abPairs": plan.ab_pairs,
        "conflicts": plan.conflicts,
        "requests": {
            "source": plan.requests.source,
            "destination": plan.requests.destination,
            "total": plan.requests.source + plan.requests.destination,
        },
        "rateLimit": None if rate.requests is None else f"{rate.requests}/{rate.per_seconds:g}s",
        # Each portal has its own window: the busier one sets the pace.
        "secondsAtLimit": None if seconds is None else round(seconds, 1),
        # From the last answer's X-HubSpot-RateLimit-Daily-Remaining, per portal.
        "dailyRemaining": {"source": budgets[0][0], "destination": budgets[1][0]},
        "fitsDailyBudget": (
            None
            if any(left is None for left, _ in budgets)
            else all(sent <= (left or 0) for left, sent in budgets)
        ),
        "dryRunRequests": src.hs.stats.requests + dst.hs.stats.requests,
    }
