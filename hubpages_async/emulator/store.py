"""Portal state: pages by kind (live and draft), folders, revisions, slug index.

Every portal has its own site pages, landing pages and landing-page folders. A page
record holds the live page and its draft separately (HubSpot's draft/live split), the
list of recorded revisions and a ``deleted`` flag (DELETE is a hard delete, but
``archived=true`` still lists deleted pages, so they are kept aside).

Pages are stored as msgspec ``Page`` structs; each live page's encoded JSON is cached,
so a list response is a join of cached byte strings (see ``query.py``).
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Final, Generic, TypeVar

import msgspec

from ..models import (
    READ_ONLY_PAGE_FIELDS,
    UNSET,
    ContentFolder,
    ContentFolderVersion,
    ContentLanguageVariation,
    Page,
    PageVersion,
    VersionUser,
)
from .errors import ApiError, bad_request, conflict, not_found

__all__ = [
    "EPOCH",
    "PAGE_KINDS",
    "FolderCollection",
    "FolderRecord",
    "PageCollection",
    "PageRecord",
    "Portal",
    "Store",
]

PAGE_KINDS: Final = ("site-pages", "landing-pages")
#: HubSpot's quirk: a page that was never deleted reports archivedAt = epoch zero, not null.
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
EMULATOR_USER: Final = VersionUser(
    id="9000001", email="emulator@example.com", full_name="Emu Lator"
)

# Fields the server owns: ignored when a client sends them on create/update.
_SERVER_FIELDS: Final = READ_ONLY_PAGE_FIELDS | {
    # Managed by the multi-language endpoints only: a translatedFromId copied from
    # another portal (an export) would otherwise point at a page that is not there.
    "translated_from_id",
    # Derived from the collection (site vs landing page).
    "subcategory",
    "content_type_category",
    "category_id",
}
_PAGE_FIELDS: Final = Page.__struct_fields__
_FOLDER_SERVER_FIELDS: Final = frozenset({"id", "created", "updated", "deleted_at", "category"})

_PUBLISHED_STATES: Final = frozenset(
    {
        "PUBLISHED_OR_SCHEDULED",
        "SCHEDULED_OR_PUBLISHED",
        "PUBLISHED",
        "SCHEDULED",
        "PUBLISHED_AB",
        "PUBLISHED_AB_VARIANT",
        "SCHEDULED_AB",
    }
)
_AB_VARIANT_STATUSES: Final = frozenset(
    {"variant", "loser_variant", "automated_variant", "automated_loser_variant", "mab_variant"}
)
_KIND_INFO: Final = {
    # kind -> (subcategory, contentTypeCategory, categoryId, default domain stem)
    "site-pages": ("site_page", "4", 4, "www"),
    "landing-pages": ("landing_page", "1", 1, "info"),
}

# Defaults a freshly created HubSpot page reports for fields the caller did not set.
_PAGE_DEFAULTS: Final[dict[str, Any]] = {
    "domain": "",
    "html_title": "",
    "meta_description": "",
    "head_html": "",
    "footer_html": "",
    "link_rel_canonical_url": "",
    "featured_image": "",
    "featured_image_alt_text": "",
    "use_featured_image": False,
    "campaign": "",
    "archived_in_dashboard": False,
    "publish_immediately": False,
    "enable_domain_stylesheets": False,
    "enable_layout_stylesheets": False,
    "include_default_custom_css": False,
    "attached_stylesheets": [],
    "page_expiry_enabled": False,
    "public_access_rules": [],
    "public_access_rules_enabled": False,
    "theme_settings_values": {},
    "layout_sections": {},
    "widgets": {},
    "widget_containers": {},
}

_page_encoder = msgspec.json.Encoder()


def is_published_state(state: object) -> bool:
    """Whether a ``state`` value means published or scheduled."""
    return state in _PUBLISHED_STATES


def current_state(page: Page, now: datetime) -> tuple[str, bool]:
    """(``currentState``, ``currentlyPublished``) for a page at ``now``.

    HubSpot's quirk: scheduled and published pages share ``state`` PUBLISHED_OR_SCHEDULED;
    only ``publishDate`` against the current time tells them apart.
    """
    state = page.state if isinstance(page.state, str) else "DRAFT"
    if state in ("PUBLISHED_AB", "PUBLISHED_AB_VARIANT"):
        return state, True
    if state == "SCHEDULED_AB":
        return state, False
    if state in _PUBLISHED_STATES:
        pd = page.publish_date
        if isinstance(pd, datetime) and pd > now:
            return "SCHEDULED", False
        return "PUBLISHED", True
    if state in ("DRAFT", "DRAFT_AB", "DRAFT_AB_VARIANT", "LOSER_AB_VARIANT"):
        return state, False
    return "DRAFT", False


def copy_page(page: Page) -> Page:
    """A deep-enough copy: nested JSON is replaced whole on update, never mutated."""
    return msgspec.structs.replace(page)


class PageRecord(msgspec.Struct, kw_only=True):
    """One page: live and draft versions, recorded revisions, hard-deleted flag."""

    id: int
    live: Page
    draft: Page
    revisions: list[PageVersion] = msgspec.field(default_factory=list)
    deleted: bool = False


class FolderRecord(msgspec.Struct, kw_only=True):
    """One landing-page folder and its revisions."""

    id: int
    folder: ContentFolder
    revisions: list[ContentFolderVersion] = msgspec.field(default_factory=list)
    deleted: bool = False


class Store:
    """Every portal's state, shared id counters and the clock.

    Test helpers read it directly::

        emu.store.pages("site-pages")            # live pages of portal 1, id order
        emu.store.page("site-pages", page_id)    # one live page (None if absent)
        emu.store.draft("site-pages", page_id)   # its draft
        emu.store.revisions("site-pages", page_id)
        emu.store.folders()                      # landing-page folders
    """

    def __init__(
        self,
        *,
        wall_clock: Callable[[], float] = time.time,
        first_id: int = 150_000_000_000,
    ) -> None:
        self._wall = wall_clock
        self._ids = itertools.count(first_id)
        self._revision_ids = itertools.count(1_000_000)
        self._last_now = EPOCH
        self.portals: dict[int, Portal] = {}
        #: Called with (portal, kind, record) after every change (sqlite persistence).
        self.on_change: Callable[[int, str, PageRecord | FolderRecord], None] | None = None

    # -- ids and time ---------------------------------------------------------------
    def now(self) -> datetime:
        """The current time, millisecond precision, never going backwards."""
        ms = int(self._wall() * 1000)
        now = datetime.fromtimestamp(ms / 1000, UTC)
        if now < self._last_now:
            now = self._last_now
        self._last_now = now
        return now

    def next_id(self) -> int:
        """A fresh page/folder id (HubSpot ids are large numbers sent as strings)."""
        return next(self._ids)

    def next_revision_id(self) -> str:
        """A fresh revision id."""
        return str(next(self._revision_ids))

    def bump_counters(self, max_id: int, max_revision: int, latest: datetime | None = None) -> None:
        """Continue numbering (and time) after records loaded from a state file.

        Creation times must keep growing with ids (listings rely on it) even if the
        wall clock is now behind the newest stored page.
        """
        if latest is not None and latest > self._last_now:
            self._last_now = latest
        self._ids = itertools.count(max(max_id + 1, next(self._ids)))
        self._revision_ids = itertools.count(max(max_revision + 1, next(self._revision_ids)))

    def portal(self, portal_id: int) -> Portal:
        """The portal's state, created empty on first use."""
        p = self.portals.get(portal_id)
        if p is None:
            p = self.portals[portal_id] = Portal(self, portal_id)
        return p

    def changed(self, portal: int, kind: str, rec: PageRecord | FolderRecord) -> None:
        """Report a change to the persistence hook, if any."""
        if self.on_change is not None:
            self.on_change(portal, kind, rec)

    # -- assertion helpers ------------------------------------------------------------
    def pages(
        self, kind: str = "site-pages", *, portal: int = 1, archived: bool = False
    ) -> list[Page]:
        """Live pages (or, with ``archived=True``, deleted pages) in id order."""
        coll = self.portal(portal).pages[kind]
        ids = coll.deleted_ids if archived else coll.live_ids
        return [coll.render(coll.records[i]) for i in ids]

    def page(self, kind: str, page_id: str | int, *, portal: int = 1) -> Page | None:
        """One live page as the API would return it, or None."""
        coll = self.portal(portal).pages[kind]
        rec = coll.records.get(int(page_id))
        return None if rec is None or rec.deleted else coll.render(rec)

    def draft(self, kind: str, page_id: str | int, *, portal: int = 1) -> Page | None:
        """One page's draft version, or None."""
        coll = self.portal(portal).pages[kind]
        rec = coll.records.get(int(page_id))
        return None if rec is None or rec.deleted else coll.render(rec, draft=True)

    def revisions(self, kind: str, page_id: str | int, *, portal: int = 1) -> list[PageVersion]:
        """A page's revisions, oldest first."""
        rec = self.portal(portal).pages[kind].records.get(int(page_id))
        return list(rec.revisions) if rec is not None else []

    def folders(self, *, portal: int = 1, archived: bool = False) -> list[ContentFolder]:
        """Landing-page folders (or deleted ones) in id order."""
        coll = self.portal(portal).folders
        ids = coll.deleted_ids if archived else coll.live_ids
        return [coll.records[i].folder for i in ids]


class Portal:
    """One HubSpot account: its page collections, folders and URL (slug) index."""

    def __init__(self, store: Store, portal_id: int) -> None:
        self.store = store
        self.id = portal_id
        self.pages = {kind: PageCollection(self, kind) for kind in PAGE_KINDS}
        self.folders = FolderCollection(self)
        #: (domain, slug, language) -> (kind, page id): URLs are unique within a portal.
        self.slugs: dict[tuple[str, str, str], tuple[str, int]] = {}

    def default_domain(self, kind: str) -> str:
        """The portal's primary domain for a content type (used when domain is blank)."""
        return f"{_KIND_INFO[kind][3]}.portal{self.id}.hs-sites.com"


def _slug_key(portal: Portal, kind: str, page: Page) -> tuple[str, str, str] | None:
    slug = page.slug
    if not isinstance(slug, str):
        return None
    # A/B variants share their master's URL by design, so they are not indexed.
    if page.ab_status in _AB_VARIANT_STATUSES:
        return None
    domain = (
        page.domain if isinstance(page.domain, str) and page.domain else portal.default_domain(kind)
    )
    lang = page.language if isinstance(page.language, str) else ""
    return (domain.lower(), slug.lower(), lang.lower())


def validate_page_input(page: Page, *, creating: bool, where: str = "") -> None:
    """The guide's create rules: ``name`` and ``templatePath`` required, no leading slash."""
    if creating:
        for attr, wire in (("name", "name"), ("template_path", "templatePath")):
            value = getattr(page, attr)
            if not isinstance(value, str) or not value.strip():
                raise bad_request(
                    f"{where}{wire} is required to create a page", field=wire, code="REQUIRED"
                )
    else:
        for attr, wire in (("name", "name"), ("template_path", "templatePath")):
            if getattr(page, attr) is None:
                raise bad_request(f"{where}{wire} cannot be cleared", field=wire)
    tp = page.template_path
    if isinstance(tp, str) and tp.startswith("/"):
        # HubSpot's quirk: the design manager's "Copy path" adds a leading slash the API refuses.
        raise bad_request(
            f"{where}templatePath must not start with '/' (got {tp!r})", field="templatePath"
        )
    state = page.state
    if isinstance(state, str) and len(state) > 25:
        raise bad_request(f"{where}state is longer than 25 characters", field="state")


def merge_page(target: Page, patch: Page) -> Page:
    """Apply a sparse update: set fields present in ``patch`` (null clears a field)."""
    changes: dict[str, Any] = {}
    for name in _PAGE_FIELDS:
        if name in _SERVER_FIELDS:
            continue
        value = getattr(patch, name)
        if value is UNSET:
            continue
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # a naive date-time is read as UTC
        changes[name] = UNSET if value is None else value
    return msgspec.structs.replace(target, **changes) if changes else copy_page(target)


R = TypeVar("R", PageRecord, FolderRecord)


class _Records(Generic[R]):
    """Records by id, plus the sorted ids of live and of deleted ones."""

    what = "Object"

    def __init__(self) -> None:
        self.records: dict[int, R] = {}
        self.live_ids: list[int] = []
        self.deleted_ids: list[int] = []
        #: bumped on every change: list queries cache sorted answers per version
        self.version = 0
        self.query_cache: dict[Any, tuple[int, list[tuple[list[Any], int]]]] = {}

    def get(self, object_id: str | int, *, archived: bool = False) -> R:
        """The record with that id (deleted ones only when ``archived``), else 404."""
        try:
            key = int(object_id)
        except (TypeError, ValueError):
            raise not_found(self.what, str(object_id)) from None
        rec = self.records.get(key)
        if rec is None or rec.deleted != archived:
            raise not_found(self.what, str(object_id))
        return rec

    def _add(self, rec: R) -> None:
        self.version += 1
        self.records[rec.id] = rec
        bisect.insort(self.deleted_ids if rec.deleted else self.live_ids, rec.id)

    def _mark_deleted(self, rec: R) -> None:
        self.version += 1
        rec.deleted = True
        i = bisect.bisect_left(self.live_ids, rec.id)
        if i < len(self.live_ids) and self.live_ids[i] == rec.id:
            del self.live_ids[i]
        bisect.insort(self.deleted_ids, rec.id)


class PageCollection(_Records[PageRecord]):
    """The site pages or landing pages of one portal."""

    what = "Page"

    def __init__(self, portal: Portal, kind: str) -> None:
        self.portal = portal
        self.store = portal.store
        self.kind = kind
        super().__init__()
        #: primary id -> ids of its language variants
        self.groups: dict[int, set[int]] = {}
        self._cache: dict[int, bytes] = {}
        self._stale_at: dict[int, datetime] = {}

    # -- reading ---------------------------------------------------------------------
    def item(self, object_id: int) -> Page:
        """The stored live page of a record (for filtering and sorting)."""
        return self.records[object_id].live

    def render(self, rec: PageRecord, *, draft: bool = False) -> Page:
        """The page as the API returns it: computed state and translations filled in."""
        page = rec.draft if draft else rec.live
        state, published = current_state(page, self.store.now())
        translations = self._translations(rec)
        return msgspec.structs.replace(
            page,
            current_state=state,
            currently_published=published,
            translations=translations if translations is not None else UNSET,
        )

    def encoded(self, rec: PageRecord) -> bytes:
        """The live page's JSON, cached until the page (or its language group) changes."""
        cached = self._cache.get(rec.id)
        if cached is not None:
            stale = self._stale_at.get(rec.id)
            if stale is None or stale > self.store.now():
                return cached
        page = rec.live
        data = _page_encoder.encode(self.render(rec))
        self._cache[rec.id] = data
        pd = page.publish_date
        # A scheduled page turns PUBLISHED when its publishDate passes: re-render then.
        if isinstance(pd, datetime) and pd > self.store.now():
            self._stale_at[rec.id] = pd
        else:
            self._stale_at.pop(rec.id, None)
        return data

    def invalidate(self, ids: Iterable[int]) -> None:
        """Forget cached JSON of these pages."""
        for i in ids:
            self._cache.pop(i, None)

    def _primary_of(self, rec: PageRecord) -> int | None:
        tf = rec.live.translated_from_id
        if isinstance(tf, str) and tf.isdigit():
            return int(tf)
        return rec.id if self.groups.get(rec.id) else None

    def group_members(self, primary: int) -> list[PageRecord]:
        """Primary first, then its variants (non-deleted) in id order."""
        members = [primary, *sorted(self.groups.get(primary, ()))]
        out = []
        for i in members:
            r = self.records.get(i)
            if r is not None and not r.deleted:
                out.append(r)
        return out

    def _translations(self, rec: PageRecord) -> dict[str, ContentLanguageVariation] | None:
        primary = self._primary_of(rec)
        if primary is None:
            return None
        out: dict[str, ContentLanguageVariation] = {}
        for member in self.group_members(primary):
            lang = member.live.language
            if member.id == rec.id or not isinstance(lang, str):
                continue
            out[lang] = _variation(member.live)
        return out

    # -- writing ---------------------------------------------------------------------
    def _touch(self, rec: PageRecord) -> None:
        self.version += 1
        self._cache.pop(rec.id, None)
        self.store.changed(self.portal.id, self.kind, rec)

    def record_revision(self, rec: PageRecord, page: Page) -> None:
        """Append a revision holding a snapshot of ``page``."""
        rec.revisions.append(
            PageVersion(
                id=self.store.next_revision_id(),
                object=copy_page(page),
                updated_at=self.store.now(),
                user=EMULATOR_USER,
            )
        )

    def check_slug(self, page: Page, page_id: int | None) -> None:
        """409 CONFLICT if another live page of the portal already has this URL."""
        key = _slug_key(self.portal, self.kind, page)
        if key is None:
            return
        owner = self.portal.slugs.get(key)
        if owner is not None and owner != (self.kind, page_id):
            raise conflict(
                f"A page already exists at {key[0]}/{key[1]} (language {key[2] or 'none'}): "
                f"{owner[0]} {owner[1]}",
                {"slug": [page.slug if isinstance(page.slug, str) else ""], "id": [str(owner[1])]},
            )

    def _reindex(self, old: Page | None, new: Page | None, page_id: int) -> None:
        slugs = self.portal.slugs
        if old is not None:
            key = _slug_key(self.portal, self.kind, old)
            if key is not None and slugs.get(key) == (self.kind, page_id):
                del slugs[key]
        if new is not None:
            key = _slug_key(self.portal, self.kind, new)
            if key is not None:
                slugs[key] = (self.kind, page_id)

    def _finish(self, page: Page, page_id: int, now: datetime) -> Page:
        """Fill the server-owned fields of a page about to be stored."""
        sub, ctc, cat, _ = _KIND_INFO[self.kind]
        slug = page.slug if isinstance(page.slug, str) else ""
        domain = page.domain if isinstance(page.domain, str) and page.domain else None
        changes: dict[str, Any] = {
            "id": str(page_id),
            "updated": now,
            "updated_by_id": EMULATOR_USER.id,
            "subcategory": sub,
            "content_type_category": ctc,
            "category_id": cat,
            "url": f"https://{domain or self.portal.default_domain(self.kind)}/{slug}",
            "page_redirected": False,
        }
        if isinstance(page.slug, str) and page.slug.startswith("/"):
            changes["slug"] = page.slug.lstrip("/")
            changes["url"] = (
                f"https://{domain or self.portal.default_domain(self.kind)}/{changes['slug']}"
            )
        if is_published_state(page.state) and not isinstance(page.publish_date, datetime):
            changes["publish_date"] = now
        return msgspec.structs.replace(page, **changes)

    def create(
        self, body: Page, *, where: str = "", source: PageRecord | None = None
    ) -> PageRecord:
        """Create a page from a (validated) input body; 409 if its URL is taken."""
        validate_page_input(body, creating=True, where=where)
        now = self.store.now()
        defaults = {k: v for k, v in _PAGE_DEFAULTS.items() if getattr(body, k) in (UNSET, None)}
        base = merge_page(Page(**defaults), body)
        if base.state is UNSET:
            base.state = "DRAFT"  # the guide: pages are created as drafts unless told otherwise
        if base.author_name is UNSET:
            base.author_name = EMULATOR_USER.full_name
        page_id = self.store.next_id()
        page = self._finish(base, page_id, now)
        page.created = now
        page.created_by_id = EMULATOR_USER.id
        page.archived_at = EPOCH
        self.check_slug(page, None)
        rec = PageRecord(id=page_id, live=page, draft=copy_page(page))
        self.records[page_id] = rec
        self.live_ids.append(page_id)  # ids only grow, so the list stays sorted
        self._reindex(None, page, page_id)
        self.record_revision(rec, page)
        self._touch(rec)
        return rec

    def set_live(self, rec: PageRecord, new_live: Page, *, also_draft: bool = True) -> None:
        """Replace the live page (checking its URL), record a revision."""
        page = self._finish(new_live, rec.id, self.store.now())
        page.created = rec.live.created
        page.created_by_id = rec.live.created_by_id
        page.archived_at = rec.live.archived_at
        page.translated_from_id = rec.live.translated_from_id
        if not rec.deleted:
            self.check_slug(page, rec.id)
            self._reindex(rec.live, page, rec.id)
        rec.live = page
        if also_draft:
            rec.draft = copy_page(page)
        self.record_revision(rec, page)
        self._touch(rec)
        self._touch_group(rec)

    def set_draft(self, rec: PageRecord, new_draft: Page) -> None:
        """Replace the draft only; the live page is untouched."""
        page = self._finish(new_draft, rec.id, self.store.now())
        page.created = rec.live.created
        page.created_by_id = rec.live.created_by_id
        page.archived_at = rec.live.archived_at
        page.translated_from_id = rec.live.translated_from_id
        rec.draft = page
        self.record_revision(rec, page)
        self.store.changed(self.portal.id, self.kind, rec)

    def update(self, rec: PageRecord, patch: Page, *, where: str = "") -> None:
        """PATCH /{id}: sparse update of the live page; the draft gets the same fields."""
        validate_page_input(patch, creating=False, where=where)
        draft = merge_page(rec.draft, patch)
        self.set_live(rec, merge_page(rec.live, patch), also_draft=False)
        rec.draft = self._finish(draft, rec.id, self.store.now())
        rec.draft.created = rec.live.created
        rec.draft.created_by_id = rec.live.created_by_id
        rec.draft.archived_at = rec.live.archived_at
        rec.draft.translated_from_id = rec.live.translated_from_id

    def update_draft(self, rec: PageRecord, patch: Page) -> None:
        """PATCH /{id}/draft: top-level fields replace the draft's (no deep merge)."""
        validate_page_input(patch, creating=False)
        self.set_draft(rec, merge_page(rec.draft, patch))

    def push_live(self, rec: PageRecord) -> None:
        """draft/push-live: only for a page that is already published."""
        if not is_published_state(rec.live.state):
            raise ApiError(
                400,
                "VALIDATION_ERROR",
                f"Page {rec.id} is not published: push-live only updates an already published "
                "page; use schedule to publish a draft",
                errors=[{"message": "page is not published", "code": "NOT_PUBLISHED"}],
                context={"id": [str(rec.id)], "state": [str(rec.live.state)]},
            )
        new = copy_page(rec.draft)
        if not is_published_state(new.state):
            new.state = rec.live.state
        self.set_live(rec, new)

    def reset_draft(self, rec: PageRecord) -> None:
        """draft/reset: the draft becomes a copy of the live page."""
        rec.draft = copy_page(rec.live)
        self.record_revision(rec, rec.draft)
        self.store.changed(self.portal.id, self.kind, rec)

    def schedule(self, rec: PageRecord, publish_date: datetime) -> None:
        """schedule: publish the draft at ``publish_date`` (state PUBLISHED_OR_SCHEDULED)."""
        new = copy_page(rec.draft)
        new.publish_date = publish_date
        new.state = "PUBLISHED_OR_SCHEDULED"
        self.set_live(rec, new)

    def delete(self, rec: PageRecord) -> None:
        """DELETE: a hard delete (kept aside only so archived=true can list it)."""
        now = self.store.now()
        self._reindex(rec.live, None, rec.id)
        self._mark_deleted(rec)
        rec.live = msgspec.structs.replace(rec.live, archived_at=now)
        rec.draft = msgspec.structs.replace(rec.draft, archived_at=now)
        self._touch(rec)
        self._touch_group(rec)

    def _touch_group(self, rec: PageRecord) -> None:
        primary = self._primary_of(rec)
        if primary is not None:
            self.invalidate(r.id for r in self.group_members(primary))
            self.invalidate([primary])

    def set_translated_from(self, rec: PageRecord, primary: int | None) -> None:
        """Move a page into (or out of) a language group; caches of both groups reset."""
        old = self._primary_of(rec)
        if old is not None:
            self.invalidate([old, *self.groups.get(old, ())])
            self.groups.get(old, set()).discard(rec.id)
            if old in self.groups and not self.groups[old]:
                del self.groups[old]
        value = str(primary) if primary is not None else UNSET
        rec.live = msgspec.structs.replace(rec.live, translated_from_id=value)
        rec.draft = msgspec.structs.replace(rec.draft, translated_from_id=value)
        if primary is not None:
            self.groups.setdefault(primary, set()).add(rec.id)
            self.invalidate([primary, *self.groups[primary]])
        self._touch(rec)

    def load(self, rec: PageRecord) -> None:
        """Insert a record read from a state file."""
        self._add(rec)
        if not rec.deleted:
            self._reindex(None, rec.live, rec.id)
        tf = rec.live.translated_from_id
        if isinstance(tf, str) and tf.isdigit():
            self.groups.setdefault(int(tf), set()).add(rec.id)


def _variation(page: Page) -> ContentLanguageVariation:
    def s(v: object) -> str:
        return v if isinstance(v, str) else ""

    created = page.created if isinstance(page.created, datetime) else EPOCH
    return ContentLanguageVariation(
        id=int(page.id) if isinstance(page.id, str) else 0,
        name=s(page.name),
        slug=s(page.slug),
        state=s(page.state),
        archived_in_dashboard=page.archived_in_dashboard is True,
        author_name=s(page.author_name),
        campaign=s(page.campaign),
        campaign_name="",
        created=created,
        updated=page.updated if isinstance(page.updated, datetime) else created,
        password=s(page.password),
        public_access_rules=page.public_access_rules
        if isinstance(page.public_access_rules, list)
        else [],
        public_access_rules_enabled=page.public_access_rules_enabled is True,
        publish_date=page.publish_date if isinstance(page.publish_date, datetime) else created,
    )


class FolderCollection(_Records[FolderRecord]):
    """The landing-page folders of one portal."""

    what = "Folder"

    kind = "landing-pages/folders"

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.store = portal.store
        super().__init__()
        self._cache: dict[int, bytes] = {}

    def item(self, object_id: int) -> ContentFolder:
        """The stored folder of a record (for filtering and sorting)."""
        return self.records[object_id].folder

    def encoded(self, rec: FolderRecord) -> bytes:
        """The folder's JSON (cached)."""
        data = self._cache.get(rec.id)
        if data is None:
            data = self._cache[rec.id] = _page_encoder.encode(rec.folder)
        return data

    def _record(self, rec: FolderRecord) -> None:
        self.version += 1
        rec.revisions.append(
            ContentFolderVersion(
                id=self.store.next_revision_id(),
                object=msgspec.structs.replace(rec.folder),
                updated_at=self.store.now(),
                user=EMULATOR_USER,
            )
        )
        self._cache.pop(rec.id, None)
        self.store.changed(self.portal.id, self.kind, rec)

    def create(self, body: ContentFolder, *, where: str = "") -> FolderRecord:
        """Create a folder; ``name`` is required."""
        if not isinstance(body.name, str) or not body.name.strip():
            raise bad_request(
                f"{where}name is required to create a folder", field="name", code="REQUIRED"
            )
        now = self.store.now()
        folder_id = self.store.next_id()
        folder = ContentFolder(
            id=str(folder_id),
            name=body.name,
            parent_folder_id=body.parent_folder_id if isinstance(body.parent_folder_id, int) else 0,
            category=1,  # the spec: "Should always be LANDING_PAGE"
            created=now,
            updated=now,
            deleted_at=EPOCH,
        )
        rec = FolderRecord(id=folder_id, folder=folder)
        self.records[folder_id] = rec
        self.live_ids.append(folder_id)
        self._record(rec)
        return rec

    def update(self, rec: FolderRecord, patch: ContentFolder, *, where: str = "") -> None:
        """Sparse update of name / parentFolderId."""
        changes: dict[str, Any] = {}
        for name in ContentFolder.__struct_fields__:
            value = getattr(patch, name)
            if name in _FOLDER_SERVER_FIELDS or value is UNSET:
                continue
            if name == "name" and (value is None or not str(value).strip()):
                raise bad_request(f"{where}name cannot be empty", field="name")
            changes[name] = 0 if (name == "parent_folder_id" and value is None) else value
        changes["updated"] = self.store.now()
        rec.folder = msgspec.structs.replace(rec.folder, **changes)
        self._record(rec)

    def restore(self, rec: FolderRecord, version: ContentFolderVersion) -> None:
        """Restore a folder revision (identity and dates kept)."""
        old = version.object
        assert isinstance(old, ContentFolder)
        rec.folder = msgspec.structs.replace(
            rec.folder,
            name=old.name,
            parent_folder_id=old.parent_folder_id,
            updated=self.store.now(),
        )
        self._record(rec)

    def delete(self, rec: FolderRecord) -> None:
        """Hard delete, listed afterwards with archived=true."""
        self._mark_deleted(rec)
        rec.folder = msgspec.structs.replace(rec.folder, deleted_at=self.store.now())
        self._cache.pop(rec.id, None)
        self.store.changed(self.portal.id, self.kind, rec)

    def load(self, rec: FolderRecord) -> None:
        """Insert a record read from a state file."""
        self._add(rec)
