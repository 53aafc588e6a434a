"""``hubpages verify``: prove a migration by comparing both portals, field by field.

Each source folder and page is compared with its copy, found through migrate's journal
(source id -> destination id). Server-owned fields (ids, URLs, dates the server sets,
``currentState``...) are left out, except that the publish state is compared as
``currentState``; ids that name other objects are compared through the id map:
``folderId``, ``parentFolderId``, ``translatedFromId`` (language groups),
``pageExpiryRedirectId``, and A/B pairs (a variant's copy must share its test with the
copy of its original page). Pages are compared live and draft.

Pages of the destination that are copies of nothing are not differences: a destination
portal may hold pages of its own.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import anyio

from hubpages_async import PagesResource
from hubpages_async.models import AB_VARIANT_STATUSES, ContentFolder, Page

from ._connect import Portal
from ._migrate_content import DRAFT_SKIP, content_of
from ._migrate_steps import settled

__all__ = ["Differences", "done_entries", "id_map", "listed", "patient", "verify_portals"]

_MAPPED_KEY: Final = re.compile(r"^(folder|site-pages|landing-pages):(\d+)$")


def done_entries(journal: str, route: str) -> dict[str, str | None]:
    """Every key migrate recorded as done on ``route`` (any step), with its result id.

    Read-only: a journal that does not exist yet (a first dry run) is simply empty.
    """
    found: dict[str, str | None] = {}
    try:
        db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    except sqlite3.Error:
        return found
    try:
        rows = db.execute(
            "SELECT key, result_id FROM entries WHERE state = 'done' AND job LIKE ?",
            (f"migrate-%@{route}",),
        )
        found = dict(rows)
    except sqlite3.Error:
        pass
    finally:
        db.close()
    return found


def id_map(journal: str, route: str) -> dict[str, str]:
    """``"site-pages:123" -> "456"`` for every copy migrate recorded on ``route``."""
    return {
        key: str(result_id)
        for key, result_id in done_entries(journal, route).items()
        if result_id and _MAPPED_KEY.match(key)
    }


T = TypeVar("T")


async def patient(call: Callable[[], Awaitable[T]]) -> T:
    """``call()``, tried again while its answer is a 5xx, a lost connection or a 429:
    a verify that gives up on a transient fault proves nothing either way."""
    return await settled(lambda _item, _again: call(), None, again=False)


async def listed(resource: Any, *, archived: bool = False) -> list[Any]:
    """Every item of a listing, listed again from the start if a fault outlasts the
    client's own retries (a listing is a read: starting over is safe)."""

    async def listing() -> list[Any]:
        return [item async for item in resource.list(archived=archived or None)]

    return await patient(listing)


@dataclass(slots=True)
class Differences:
    """Everything verify found, and how much it compared."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    compared: dict[str, int] = field(default_factory=dict)

    def add(
        self, kind: str, source_id: str, dest_id: str | None, version: str, **what: Any
    ) -> None:
        """One difference (``what`` names the field and both values, or the problem)."""
        row = {"type": kind, "sourceId": source_id, "destinationId": dest_id, "version": version}
        row.update(what)
        self.rows.append(row)


def _norm_parent(value: object) -> str | None:
    """A folder's parent id as text; 0 and null both mean "no parent"."""
    return None if value in (None, 0, "0", "") or not isinstance(value, int | str) else str(value)


async def _verify_folders(src: Portal, dst: Portal, ids: dict[str, str], out: Differences) -> None:
    """Each source folder: its copy exists, same name, parent the copy of its parent."""
    source = await listed(src.hs.landing_pages.folders)
    copies = {str(f.id): f for f in await listed(dst.hs.landing_pages.folders)}
    out.compared["folders"] = len(source)
    for folder in source:
        fid = str(folder.id)
        copy_id = ids.get(f"folder:{fid}")
        copy: ContentFolder | None = copies.get(copy_id) if copy_id else None
        if copy is None:
            out.add("folders", fid, copy_id, "live", problem="missing")
            continue
        if folder.name != copy.name:
            out.add(
                "folders",
                fid,
                copy_id,
                "live",
                field="name",
                source=folder.name,
                destination=copy.name,
            )
        parent = _norm_parent(folder.parent_folder_id)
        expected = ids.get(f"folder:{parent}") if parent else None
        if _norm_parent(copy.parent_folder_id) != expected:
            out.add(
                "folders",
                fid,
                copy_id,
                "live",
                field="parentFolderId",
                source=expected,
                destination=_norm_parent(copy.parent_folder_id),
            )


def _compare_content(
    out: Differences,
    kind: str,
    source_id: str,
    dest_id: str,
    version: str,
    page: Page,
    copy: Page,
    without: Iterable[str],
) -> None:
    """Field-by-field comparison of two pages' content."""
    a, b = content_of(page, without=without), content_of(copy, without=without)
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            out.add(
                kind,
                source_id,
                dest_id,
                version,
                field=name,
                source=a.get(name),
                destination=b.get(name),
            )


def _is_variant(page: Page) -> bool:
    return isinstance(page.ab_status, str) and page.ab_status.lower() in AB_VARIANT_STATUSES


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, int | str) and str(value) not in ("", "0") else None


def _compare_relations(
    out: Differences,
    kind: str,
    page: Page,
    copy: Page,
    ids: dict[str, str],
    copies: Mapping[str, Page],
    masters: dict[str, str],
) -> None:
    """Ids that name other objects, compared through the id map."""
    sid, did = str(page.id), str(copy.id)

    def check(name: str, expected: str | None, actual: str | None) -> None:
        if expected != actual:
            out.add(kind, sid, did, "live", field=name, source=expected, destination=actual)

    folder = _text(page.folder_id)
    check("folderId", ids.get(f"folder:{folder}") if folder else None, _text(copy.folder_id))
    primary = _text(page.translated_from_id)
    check(
        "translatedFromId",
        ids.get(f"{kind}:{primary}") if primary else None,
        _text(copy.translated_from_id),
    )
    target = _text(page.page_expiry_redirect_id)
    mapped = (
        ids.get(f"site-pages:{target}") or ids.get(f"landing-pages:{target}") if target else None
    )
    check("pageExpiryRedirectId", mapped, _text(copy.page_expiry_redirect_id))
    check("abStatus", _text(page.ab_status), _text(copy.ab_status))
    check("currentState", _text(page.current_state), _text(copy.current_state))
    test = _text(page.ab_test_id)
    if test and _is_variant(page):
        master_copy = copies.get(ids.get(f"{kind}:{masters.get(test)}", ""))
        expected = _text(master_copy.ab_test_id) if master_copy else "(original page's copy)"
        check("abTestId", expected, _text(copy.ab_test_id))


async def _verify_pages(
    src: Portal,
    dst: Portal,
    kind: str,
    ids: dict[str, str],
    out: Differences,
    *,
    archived: bool,
    concurrency: int,
    without: tuple[str, ...],
) -> None:
    """Each source page of ``kind`` against its copy: live content, relations, draft."""
    source_pages = await listed(src.pages(kind), archived=archived)
    copies = {str(p.id): p for p in await listed(dst.pages(kind), archived=archived)}
    label = f"{kind} (archived)" if archived else kind
    out.compared[label] = len(source_pages)
    masters = {
        str(p.ab_test_id): str(p.id)
        for p in source_pages
        if isinstance(p.ab_test_id, str) and p.ab_test_id and not _is_variant(p)
    }
    pairs: list[tuple[str, str]] = []
    for page in source_pages:
        sid = str(page.id)
        did = ids.get(f"{kind}:{sid}")
        copy = copies.get(did) if did else None
        if copy is None or did is None:
            out.add(label, sid, did, "live", problem="missing")
            continue
        _compare_content(out, label, sid, did, "live", page, copy, without)
        if not archived:
            _compare_relations(out, label, page, copy, ids, copies, masters)
            pairs.append((sid, did))
    await _verify_drafts(src.pages(kind), dst.pages(kind), label, pairs, out, concurrency, without)


async def _verify_drafts(
    source: PagesResource,
    target: PagesResource,
    label: str,
    pairs: list[tuple[str, str]],
    out: Differences,
    concurrency: int,
    without: tuple[str, ...],
) -> None:
    """Both drafts of each pair (two reads a page: no batch endpoint for drafts)."""
    slots = anyio.Semaphore(max(1, concurrency))

    async def one(sid: str, did: str) -> None:
        try:
            draft = await patient(lambda: source.get_draft(sid))
            copy = await patient(lambda: target.get_draft(did))
            # A draft's publish fields are the live version's business (not carried).
            skip = (*without, *DRAFT_SKIP)
            _compare_content(out, label, sid, did, "draft", draft, copy, skip)
        finally:
            slots.release()

    async with anyio.create_task_group() as tg:
        for sid, did in pairs:
            await slots.acquire()
            tg.start_soon(one, sid, did)


async def verify_portals(
    src: Portal,
    dst: Portal,
    kinds: list[str],
    ids: dict[str, str],
    *,
    include_archived: bool = False,
    keep_domains: bool = False,
    concurrency: int = 4,
) -> Differences:
    """Compare everything migrate copies from ``src`` to ``dst``."""
    out = Differences()
    # Left out by migrate unless --keep-domains: the copy uses the destination's domain.
    without: tuple[str, ...] = () if keep_domains else ("domain",)
    if "landing-pages" in kinds:
        await _verify_folders(src, dst, ids, out)
    for kind in kinds:
        await _verify_pages(
            src, dst, kind, ids, out, archived=False, concurrency=concurrency, without=without
        )
        if include_archived:
            await _verify_pages(
                src, dst, kind, ids, out, archived=True, concurrency=concurrency, without=without
            )
    return out
