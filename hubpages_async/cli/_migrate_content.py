"""What of a page migrate carries besides its live version: the draft, and archived pages.

A page in HubSpot is two versions: the live one (what the list and batch endpoints
return) and the draft (``GET /{id}/draft``), which differs when someone has edited the
page without publishing. Creating a page sets both to the same content, so a page whose
draft differs gets one more call, ``PATCH /{id}/draft``, and the destination then shows
the same unpublished changes. There is no batch endpoint for drafts: one read per page is
the minimum, and one write per page whose draft differs.

The publish state needs no call of its own: ``state`` and ``publishDate`` go in the
create body, so a published page is created published, a draft as a draft, a page
scheduled for the future is scheduled for the same moment, and a page whose schedule has
already passed is published (HubSpot reports a past schedule as published).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Final

import msgspec

from hubpages_async import PagesResource
from hubpages_async.journal import Journal
from hubpages_async.models import READ_ONLY_PAGE_FIELDS, UNSET, Page

__all__ = [
    "DRAFT_SKIP",
    "NOT_CONTENT",
    "content_digest",
    "content_of",
    "copy_archived",
    "copy_drafts",
    "live_digest",
]

#: Fields that are not the page's content: set by the server, or ids of the source
#: portal that migrate remaps (compared through the id map by ``verify`` instead).
NOT_CONTENT: Final = READ_ONLY_PAGE_FIELDS | {
    "subcategory",
    "content_type_category",
    "category_id",
    "translated_from_id",
    "ab_status",
    "ab_test_id",
    "mab_experiment_id",
    "content_group_id",
    "page_expiry_redirect_id",
    "folder_id",
}

_ENCODER: Final = msgspec.json.Encoder(order="deterministic")


def content_of(page: Page, *, without: Iterable[str] = ()) -> dict[str, Any]:
    """The page's content fields as plain JSON values (unset and null left out)."""
    skip = NOT_CONTENT | set(without)
    raw = msgspec.to_builtins(page)
    names = {f.encode_name: f.name for f in msgspec.structs.fields(Page)}
    return {k: v for k, v in raw.items() if names.get(k, k) not in skip and v is not None}


def content_digest(page: Page, *, without: Iterable[str] = ()) -> bytes:
    """A short digest of :func:`content_of`: equal digests, equal content."""
    data = _ENCODER.encode(content_of(page, without=without))
    return hashlib.blake2b(data, digest_size=16).digest()


#: Not carried by a draft update: the publish state belongs to the live version.
DRAFT_SKIP: Final = ("state", "publish_date", "publish_immediately")


def live_digest(page: Page) -> bytes:
    """The digest a page's draft is compared with: equal means no unpublished changes."""
    return content_digest(page, without=DRAFT_SKIP)


async def copy_drafts(
    run: Any,
    source: PagesResource,
    target: PagesResource,
    kind: str,
    live_digests: Mapping[str, bytes],
    updated: Mapping[str, str],
    prepare: Any,
) -> None:
    """The drafts step: read each copied page's source draft; where it differs from the
    live version, send it to the copy's draft (``PATCH /{id}/draft``).

    ``prepare(page)`` turns a source page into what the destination receives (folder
    remapped, relation fields out), the same function the create step uses.
    """
    from ._migrate_steps import SkipError, single_steps

    async def copy(source_id: str, again: bool) -> str:
        """Copy one draft if it differs; return the destination id."""
        new_id: str | None = run.ids.get(f"{kind}:{source_id}")
        if new_id is None:
            # Recorded as failed, not done, so the run that copies the page copies this too.
            raise SkipError("PAGE_MISSING", "the page itself was not copied")
        draft = await source.get_draft(source_id)
        if live_digest(draft) == live_digests[source_id]:
            return new_id
        patch = msgspec.structs.replace(prepare(draft), **dict.fromkeys((*DRAFT_SKIP, "id"), UNSET))
        await target.update_draft(new_id, patch)
        return new_id

    keys = sorted(live_digests, key=int)
    await single_steps(
        run,
        f"{kind}-drafts",
        # Keyed by the source's version too: a page changed since is copied again.
        ((f"{kind}-draft:{i}@{updated[i]}", i) for i in keys),
        len(keys),
        copy,
        parallel=run.concurrency,
        remember=False,
        repeatable=True,  # reading a draft and setting the copy's to it: safe twice
    )


async def copy_archived(
    run: Any, source: PagesResource, target: PagesResource, kind: str, prepare: Any
) -> None:
    """With ``--include-archived``: create a copy of every archived source page, then
    archive the copies (one batch create and one batch archive per 100 pages).

    Run before the live pages: an archived page's URL may since have been taken by a
    live page, and archiving the copy at once frees it for the live page's copy.
    """
    from ._migrate_steps import create_step

    # A page copied live by an earlier run and archived since is sync's to report.
    pages = [p async for p in source.list(archived=True) if f"{kind}:{p.id}" not in run.ids]
    step = f"{kind}-archived"
    await create_step(run, target, step, kind, [prepare(p) for p in pages], len(pages))
    copies = [run.ids[f"{kind}:{p.id}"] for p in pages if f"{kind}:{p.id}" in run.ids]
    if not copies:
        return
    report = await target.archive_many(
        copies,
        chunk_size=run.chunk_size,
        concurrency=run.concurrency,
        journal=Journal(run.journal_path, job=f"migrate-{kind}-archive@{run.route}"),
    )
    for failure in report.failures:
        run.fail(step, failure.key, failure.category, failure.message, failure.error)
