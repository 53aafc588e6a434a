"""The steps of ``hubpages migrate``: copy folders and pages, remapping every id.

Order matters because pages point at other objects by id:

1. landing-page folders, parents before children (``parentFolderId`` remapped);
2. for each page type, every page that is not an A/B variant, with ``folderId``
   remapped and the relationship fields left out (they name source-portal ids);
3. A/B variants, recreated through ``create-ab-test-variation`` on the new master
   (HubSpot assigns the test id) and then given the source variant's content;
4. language groups, rebuilt with ``attach-to-lang-group`` on the new primary ids;
5. expiry redirects (``pageExpiryRedirectId``), pointed at the copies of their targets.

Page domains are left out unless ``--keep-domains``: the destination's default domain
serves the copies. Ids of other objects (campaigns, HubDB tables) are copied as they are.

Every step records source id -> destination id in one sqlite journal (the bulk
layer's :class:`~hubpages_async.journal.Journal`, one job per step), so a rerun
after a crash or Ctrl-C skips what is done and creates nothing twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import anyio
import msgspec

from hubpages_async import PagesResource, errors
from hubpages_async.journal import Journal
from hubpages_async.models import AB_VARIANT_STATUSES, UNSET, ContentFolder, Page

from ._connect import Portal
from ._migrate_content import copy_archived, copy_drafts, live_digest
from ._migrate_sync import CopyLog, CopyRow, settle_gone, update_changed, updated_of
from ._progress import BulkCounter, Progress
from ._unreachable import connection_error

__all__ = [
    "MigrationRun",
    "SkipError",
    "StepCounts",
    "copy_folders",
    "copy_pages",
    "create_step",
    "relink_expiry_redirects",
    "settled",
    "single_steps",
    "vars_of",
]

R = TypeVar("R")

#: Source-portal ids and server-owned A/B/language state: never sent to the destination.
_RELATION_FIELDS: Final = {
    "translated_from_id": UNSET,
    "translations": UNSET,
    "ab_status": UNSET,
    "ab_test_id": UNSET,
    "mab_experiment_id": UNSET,
    "content_group_id": UNSET,
    # A page id of the source portal: set again in the last step, remapped.
    "page_expiry_redirect_id": UNSET,
}


@dataclass(slots=True)
class StepCounts:
    """Counts for one step of the summary."""

    done: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass(slots=True)
class MigrationRun:
    """Shared state of one migration: the id map and everything to report."""

    journal_path: str
    #: Source and destination identities: one journal file can serve several migrations.
    route: str
    progress: Progress
    chunk_size: int
    concurrency: int
    #: Keep each page's source domain (default: the destination's default domain).
    keep_domains: bool = False
    #: Also copy archived pages (created, then archived at the destination).
    include_archived: bool = False
    #: Archive the copies of pages archived at the source since the last run.
    delete: bool = False
    #: Read every source draft and copy those that differ (one read per page; the demo,
    #: which shows the batch steps at a low rate limit in half a minute, turns it off).
    carry_drafts: bool = True
    #: Copies whose source page is archived, found by this run (see _migrate_sync).
    archived_at_source: list[dict[str, str]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    #: (page type, source id, source id of the page it redirects to once expired)
    redirects: list[tuple[str, str, int]] = field(default_factory=list)
    steps: dict[str, StepCounts] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    #: The first connection failure behind a failure: the server stopped answering, and
    #: the command exits 3 (rerun to resume) rather than 1.
    unreachable: errors.APIConnectionError | None = None

    def step(self, name: str) -> StepCounts:
        """The counts of step ``name`` (created on first use)."""
        return self.steps.setdefault(name, StepCounts())

    def fail(
        self,
        step: str,
        source_id: str | None,
        category: str,
        message: str,
        error: object = None,
    ) -> None:
        """Record one item that could not be migrated (``error``: what it came from)."""
        self.unreachable = self.unreachable or connection_error(error)
        self.step(step).failed += 1
        self.failures.append(
            {"step": step, "sourceId": source_id, "category": category, "message": message}
        )


def _key(kind: str) -> Callable[[Any], str]:
    """Journal key of an input: its source id (unique within the type)."""
    return lambda record: f"{kind}:{record.id}"


def _label(step: str) -> str:
    """A short bar label: ``site-pages-ab-variants`` -> ``site A/B`` (the bar is narrow)."""
    return (
        step.replace("-pages", "").replace("-ab-variants", " A/B").replace("-languages", " langs")
    )


def _source_id(key: str) -> str:
    """``"site-pages:123"`` -> ``"123"``."""
    return key.split(":", 1)[1]


async def create_step(
    run: MigrationRun,
    resource: Any,
    step: str,
    kind: str,
    records: Iterable[Any] | AsyncIterable[Any],
    total: int | None,
) -> None:
    """Create ``records`` (each still carrying its source id as journal key) in bulk.

    The records stream straight from the source listing into the batch job, and the
    new ids are taken from each chunk's outcomes as it completes (``collect=False``),
    so memory holds the id map, never the pages.
    """
    counter = BulkCounter(run.progress)

    def on_progress(event: Any) -> None:
        """Advance the bar and note the new ids of the chunk just done."""
        counter(event)
        for outcome in event.chunk.succeeded:  # journal skips carry their old result id
            if outcome.id is not None:
                run.ids[f"{kind}:{_source_id(outcome.key)}"] = str(outcome.id)

    run.progress.start(_label(step), total)
    report = await resource.create_many(
        records,
        chunk_size=run.chunk_size,
        concurrency=run.concurrency,
        on_progress=on_progress,
        journal=Journal(run.journal_path, job=f"migrate-{step}@{run.route}"),
        key=_key(kind),
        collect=False,
    )
    counts = run.step(step)
    counts.done += report.succeeded - report.skipped
    counts.skipped += report.skipped
    for failure in report.failures:
        run.fail(step, _source_id(failure.key), failure.category, failure.message, failure.error)


def _depth(folder: ContentFolder, by_id: Mapping[str, ContentFolder]) -> int:
    """How many ancestors a folder has among the source folders (cycles stop)."""
    depth, seen = 0, set()
    parent = folder.parent_folder_id
    while isinstance(parent, int) and str(parent) in by_id and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = by_id[str(parent)].parent_folder_id
    return depth


async def copy_folders(run: MigrationRun, src: Portal, dst: Portal) -> None:
    """Step 1: folders, one bulk create per tree level so parents exist first."""
    folders: list[ContentFolder] = [f async for f in src.hs.landing_pages.folders.list()]
    by_id = {str(f.id): f for f in folders}
    levels: dict[int, list[ContentFolder]] = {}
    for folder in folders:
        levels.setdefault(_depth(folder, by_id), []).append(folder)
    for depth in sorted(levels):
        inputs = []
        for folder in levels[depth]:
            parent = folder.parent_folder_id
            if isinstance(parent, int) and str(parent) in by_id:
                mapped = run.ids.get(f"folder:{parent}")
                if mapped is None:
                    run.fail(
                        "folders",
                        str(folder.id),
                        "PARENT_FAILED",
                        "its parent folder was not copied",
                    )
                    continue
                parent = int(mapped)
            inputs.append(msgspec.structs.replace(folder, parent_folder_id=parent))
        folders_resource = dst.hs.landing_pages.folders
        await create_step(run, folders_resource, "folders", "folder", inputs, len(inputs))


@dataclass(slots=True)
class _Relations:
    """What steps 3 and 4 need, gathered while step 2 streams the pages past.

    A/B variants are kept whole (there are few, and their content is copied later);
    of every other page only ids and languages are kept.
    """

    variants: list[Page] = field(default_factory=list)
    #: source abTestId -> source id of the test's original page
    masters: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str | None] = field(default_factory=dict)
    #: source id -> digest of its live content, for the drafts step
    digests: dict[str, bytes] = field(default_factory=dict)
    #: source id -> its ``updated`` as listed (what the copy is a copy of)
    updated: dict[str, str] = field(default_factory=dict)
    #: what earlier runs copied (``kind:source id`` -> row), and the pages changed since
    known: dict[str, CopyRow] = field(default_factory=dict)
    changed: list[Page] = field(default_factory=list)
    #: (source id, language, source id of the primary) of each translation
    translations: list[tuple[str, str, str]] = field(default_factory=list)

    def sort(self, page: Page, run: MigrationRun, kind: str) -> bool:
        """Note the page's relations; True when it is created in the base step."""
        page_id = str(page.id)
        if isinstance(page.page_expiry_redirect_id, int) and page.page_expiry_redirect_id:
            run.redirects.append((kind, page_id, page.page_expiry_redirect_id))
        language = page.language if isinstance(page.language, str) else None
        self.languages[page_id] = language
        self.digests[page_id] = live_digest(page)
        updated = self.updated[page_id] = updated_of(page)
        before = self.known.get(f"{kind}:{page_id}")
        if before is not None and before.source_updated < updated:
            self.changed.append(page)  # copied by an earlier run, changed since
        if isinstance(page.translated_from_id, str) and page.translated_from_id:
            self.translations.append((page_id, str(language), page.translated_from_id))
        status = page.ab_status.lower() if isinstance(page.ab_status, str) else ""
        if status in AB_VARIANT_STATUSES:
            self.variants.append(page)
            return False
        if isinstance(page.ab_test_id, str) and page.ab_test_id:
            self.masters[page.ab_test_id] = page_id
        return True


async def copy_pages(run: MigrationRun, src: Portal, dst: Portal, kind: str) -> None:
    """Steps 2-4 for one page type."""
    source = src.pages(kind)
    target = dst.pages(kind)
    log = CopyLog(run.journal_path, run.route)
    relations = _Relations(known=await log.load(kind))

    def prepare(page: Page) -> Page:
        return _for_destination(run, page)

    if run.include_archived:
        await copy_archived(run, source, target, kind, prepare)

    async def bases() -> AsyncIterator[Page]:
        """The pages created in step 2, relations noted on the way."""
        async for page in source.list():
            if relations.sort(page, run, kind):
                yield _for_destination(run, page)

    first = await source.list(limit=1)
    total = first.total if isinstance(first.total, int) else None
    await create_step(run, target, kind, kind, bases(), total)
    await _ab_variants(run, target, kind, relations.variants, relations.masters)
    await _language_groups(run, target, kind, relations.translations, relations.languages)
    synced = await update_changed(run, target, kind, relations.changed, prepare)
    if run.carry_drafts:
        await copy_drafts(run, source, target, kind, relations.digests, relations.updated, prepare)
    # What was copied when: new copies and the ones brought up to date.
    await log.record(
        (key, run.ids[key], relations.updated[sid])
        for sid in relations.updated
        if (key := f"{kind}:{sid}") in run.ids and (key not in relations.known or key in synced)
    )
    await settle_gone(run, target, kind, relations.known, relations.updated, log)


def _for_destination(run: MigrationRun, page: Page) -> Page:
    """The page as the destination should receive it: folder remapped, relations out."""
    changes: dict[str, Any] = dict(_RELATION_FIELDS)
    if not run.keep_domains:
        # A source domain (a sandbox's, say) rarely exists in the destination portal;
        # left out, HubSpot uses the destination's default domain for the page type.
        changes["domain"] = UNSET
    if isinstance(page.folder_id, str) and page.folder_id not in {"", "0"}:
        changes["folder_id"] = run.ids.get(f"folder:{page.folder_id}", UNSET)
    return msgspec.structs.replace(page, **changes)


async def single_steps(
    run: MigrationRun,
    step: str,
    items: Iterable[tuple[str, Any]],
    total: int,
    action: Callable[[Any, bool], Awaitable[str]],
    *,
    parallel: int = 1,
    remember: bool = True,
    repeatable: bool = False,
) -> None:
    """Run one non-batch call per item under the journal (key -> resulting id).

    ``action(item, again)`` gets ``again=True`` when a previous run started the item
    and did not finish it: the action must then check what that run already did.
    ``parallel`` items run at once (the journal serialises its own writes);
    ``remember=False`` keeps the results out of the id map (a step that maps nothing).
    ``repeatable=True`` (an action safe to do twice, such as setting a draft to given
    content) skips the ``pending`` mark: one fsync less per item, and a run that dies
    mid-item simply does it again.
    """
    if not total:
        return
    journal = Journal(run.journal_path, job=f"migrate-{step}@{run.route}")
    await journal.open("migrate")
    run.progress.start(_label(step), total)
    counts = run.step(step)
    slots = anyio.Semaphore(max(1, parallel))

    async def one(index: int, key: str, item: Any) -> None:
        try:
            await _one(index, key, item)
        finally:
            slots.release()

    async def _one(index: int, key: str, item: Any) -> None:
        seen = (await journal.lookup([key])).get(key)
        if seen is not None and seen.state == "done":
            if seen.result_id and remember:
                run.ids[key] = seen.result_id
            counts.skipped += 1
            run.progress.advance(1)
            return
        if not repeatable:
            await journal.mark_pending([(key, index)])
        try:
            result_id = await settled(action, item, again=seen is not None)
        except (SkipError, errors.HubPagesError) as exc:  # reported, not fatal
            category = getattr(exc, "category", None) or type(exc).__name__
            await journal.record([], [(key, index, str(category), str(exc))])
            run.fail(step, _source_id(key), str(category), str(exc), exc)
            run.progress.advance(0, 1)
            return
        await journal.record([(key, index, result_id)], [])
        if result_id and remember:
            run.ids[key] = result_id
        counts.done += 1
        run.progress.advance(1)

    try:
        async with anyio.create_task_group() as tg:
            for index, (key, item) in enumerate(items):
                await slots.acquire()  # released by the item's task: tasks stay bounded
                tg.start_soon(one, index, key, item)
    finally:
        await journal.aclose()


#: Answers after which a single call may or may not have been applied, or that a
#: moment's wait cures: the step is tried again, told to check what was done first.
_UNSETTLED: Final = (
    errors.OutcomeUnknownError,
    errors.APIConnectionError,
    errors.ServerError,
    errors.LockedError,
    errors.ResponseValidationError,
)
#: Tries of one single-call step before its failure is reported.
_SETTLE_TRIES: Final = 6


async def settled(action: Callable[[Any, bool], Awaitable[R]], item: Any, *, again: bool) -> R:
    """``action(item, again)``, tried again (``again=True``: check, then act) while its
    outcome is unknown, so that one run converges through lost answers and 5xx."""
    for attempt in range(1, _SETTLE_TRIES + 1):
        try:
            return await action(item, again)
        except _UNSETTLED:
            if attempt == _SETTLE_TRIES:
                raise
        except errors.RateLimitError as exc:
            if exc.is_daily or attempt == _SETTLE_TRIES:
                raise
        again = True
        await anyio.sleep(min(0.1 * 2**attempt, 5.0))
    raise AssertionError("unreachable")


async def _ab_variants(
    run: MigrationRun,
    target: PagesResource,
    kind: str,
    variants: list[Page],
    masters: dict[str, str],
) -> None:
    """Step 3: recreate each variant on its master's copy, then copy its content over."""

    async def copy(variant: Page, again: bool) -> str:
        """Recreate one variant; return its new id."""
        master_source = masters.get(str(variant.ab_test_id))
        master = run.ids.get(f"{kind}:{master_source}") if master_source else None
        if master is None:
            raise SkipError("MASTER_MISSING", "the A/B test's original page was not copied")
        created = await _existing_variant(target, master) if again else None
        if created is None:
            created = await target.create_ab_variation(master, str(variant.name or "Variation"))
        # The variation shares the master's URL: HubSpot decides slug and test fields.
        content = msgspec.structs.replace(
            _for_destination(run, variant), id=UNSET, slug=UNSET, domain=UNSET, state=UNSET
        )
        await target.update(str(created.id), content)
        return str(created.id)

    await single_steps(
        run,
        f"{kind}-ab-variants",
        ((f"{kind}:{v.id}", v) for v in variants),
        len(variants),
        copy,
    )


async def _existing_variant(target: PagesResource, master: str) -> Page | None:
    """The variant an interrupted run may already have created on ``master``."""
    test_id = (await target.get(master)).ab_test_id
    if not isinstance(test_id, str) or not test_id:
        return None
    async for page in target.list(ab_test_id__eq=test_id):
        status = page.ab_status.lower() if isinstance(page.ab_status, str) else ""
        if page.id != master and status in AB_VARIANT_STATUSES:
            return page
    return None


async def _language_groups(
    run: MigrationRun,
    target: PagesResource,
    kind: str,
    translations: list[tuple[str, str, str]],
    languages: dict[str, str | None],
) -> None:
    """Step 4: attach each translation to its primary's copy."""

    async def attach(translation: tuple[str, str, str], again: bool) -> str:
        """Attach one translation; return its new id."""
        page_id, language, primary_source = translation
        new_id = run.ids.get(f"{kind}:{page_id}")
        primary = run.ids.get(f"{kind}:{primary_source}")
        if new_id is None or primary is None:
            raise SkipError("PAGE_MISSING", "the page or its primary was not copied")
        if again and (await target.get(new_id)).translated_from_id == primary:
            return new_id  # the interrupted run attached it already
        try:
            await target.attach_to_language_group(
                new_id,
                language=language,
                primary_id=primary,
                primary_language=languages.get(primary_source),
            )
        except errors.BadRequestError:
            # A retried attach whose first try was applied is refused as "already in a
            # language group": that is success when the group is the right one.
            if (await target.get(new_id)).translated_from_id != primary:
                raise
        return new_id

    await single_steps(
        run,
        f"{kind}-languages",
        ((f"{kind}-lang:{t[0]}", t) for t in translations),
        len(translations),
        attach,
    )


async def relink_expiry_redirects(run: MigrationRun, dst: Portal) -> None:
    """Step 5: point each expiring page's redirect at the copy of its target page.

    Last, because the target may be of either page type.
    """

    async def redirect(item: tuple[str, str, int], again: bool) -> str:
        """Set one page's ``pageExpiryRedirectId``; return its new id."""
        kind, page_id, target = item
        new_id = run.ids.get(f"{kind}:{page_id}")
        mapped = run.ids.get(f"site-pages:{target}") or run.ids.get(f"landing-pages:{target}")
        if new_id is None or mapped is None:
            raise SkipError("PAGE_MISSING", "the page or its redirect target was not copied")
        await dst.pages(kind).update(new_id, Page(page_expiry_redirect_id=int(mapped)))
        return new_id

    await single_steps(
        run,
        "expiry-redirects",
        ((f"{kind}-redirect:{page_id}", (kind, page_id, t)) for kind, page_id, t in run.redirects),
        len(run.redirects),
        redirect,
    )


class SkipError(Exception):
    """An item that cannot be migrated because something it depends on failed."""

    def __init__(self, category: str, message: str) -> None:
        """``category`` goes to the failures file like HubSpot's categories."""
        super().__init__(message)
        self.category = category


def vars_of(step: StepCounts) -> dict[str, int]:
    """A step's counts as JSON."""
    return {"done": step.done, "skipped": step.skipped, "failed": step.failed}
