"""The site pages or the landing pages of one portal: create, update, draft, delete.

Each live page's encoded JSON is cached, so a list response is a join of cached byte
strings (see ``query.py``); every write invalidates the cache of the page and of its
language group.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from ..models import AB_VARIANT_STATUSES, UNSET, ContentLanguageVariation, Page, PageVersion
from .errors import ApiError, conflict
from .page_rules import (
    EMULATOR_USER,
    EPOCH,
    KIND_INFO,
    PAGE_DEFAULTS,
    copy_page,
    current_state,
    is_published_state,
    merge_page,
    new_page_changes,
    validate_page_input,
)
from .portal_context import PortalContext
from .records import JSON_ENCODER, PageRecord, PageSource, Records

__all__ = ["PageCollection"]


def _slug_key(portal: PortalContext, kind: str, page: Page) -> tuple[str, str, str] | None:
    slug = page.slug
    if not isinstance(slug, str):
        return None
    # A/B variants share their master's URL by design, so they are not indexed.
    if page.ab_status in AB_VARIANT_STATUSES:
        return None
    domain = (
        page.domain if isinstance(page.domain, str) and page.domain else portal.default_domain(kind)
    )
    lang = page.language if isinstance(page.language, str) else ""
    return (domain.lower(), slug.lower(), lang.lower())


class PageCollection(Records[PageRecord]):
    """The site pages or landing pages of one portal."""

    what = "Page"

    def __init__(self, portal: PortalContext, kind: str) -> None:
        self.portal = portal
        self.store = portal.store
        self.kind = kind
        super().__init__()
        #: primary id -> ids of its language variants
        self.groups: dict[int, set[int]] = {}
        self._cache: dict[int, bytes] = {}
        self._stale_at: dict[int, datetime] = {}
        #: generated (seeded) pages, if the portal was seeded (see ``seeded.py``)
        self.seeded: PageSource | None = None

    # -- reading ---------------------------------------------------------------------
    def item(self, object_id: int) -> Page:
        """The stored live page of a record (for filtering and sorting)."""
        return self.records[object_id].live

    def render(self, rec: PageRecord, *, draft: bool = False, now: datetime | None = None) -> Page:
        """The page as the API returns it: computed state and translations filled in."""
        page = rec.draft if draft else rec.live
        state, published = current_state(page, self.store.now() if now is None else now)
        translations = self._translations(rec)
        return msgspec.structs.replace(
            page,
            current_state=state,
            currently_published=published,
            translations=translations if translations is not None else UNSET,
        )

    def encoded(self, rec: PageRecord) -> bytes:
        """The live page's JSON, cached until the page (or its language group) changes.

        A generated (seeded, unchanged) page is encoded afresh: caching a million of
        them would undo the point of generating them.
        """
        if not self.records.is_stored(rec.id):
            return JSON_ENCODER.encode(self.render(rec))
        cached = self._cache.get(rec.id)
        if cached is not None:
            stale = self._stale_at.get(rec.id)
            if stale is None or stale > self.store.now():
                return cached
        page = rec.live
        now = self.store.now()
        data = JSON_ENCODER.encode(self.render(rec, now=now))
        self._cache[rec.id] = data
        pd = page.publish_date
        # A scheduled page turns PUBLISHED when its publishDate passes: re-render then
        # (judged at the same instant as the state just rendered).
        if isinstance(pd, datetime) and pd > now:
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
        return rec.id if self.variants(rec.id) else None

    def variants(self, primary: int) -> set[int]:
        """Ids of the language variants of ``primary`` (seeded ones included)."""
        found = set(self.groups.get(primary, ()))
        source = self.seeded
        if source is not None and self.records.owns(primary):
            want = str(primary)
            for v in source.variants_of(primary):
                rec = self.records.get(v)
                if rec is not None and rec.live.translated_from_id == want:
                    found.add(v)
        return found

    def group_members(self, primary: int) -> list[PageRecord]:
        """Primary first, then its variants (non-deleted) in id order."""
        members = [primary, *sorted(self.variants(primary))]
        out = []
        for i in members:
            r = self.records.get(i)
            if r is not None and not r.deleted:
                out.append(r)
        return out

    def _translations(self, rec: PageRecord) -> dict[str, ContentLanguageVariation] | None:
        if (
            rec.live.translated_from_id is UNSET
            and rec.id not in self.groups
            and not self.records.owns(rec.id)
        ):
            return None  # in no group: the common case, answered without building sets
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
        self._changed(rec)

    def _changed(self, rec: PageRecord) -> None:
        # Every change ends here: a generated (seeded) record is stored from now on.
        if not self.records.is_stored(rec.id):
            self.records[rec.id] = rec
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
        self._check_key(_slug_key(self.portal, self.kind, page), page, page_id)

    def _check_key(self, key: tuple[str, str, str] | None, page: Page, page_id: int | None) -> None:
        if key is None:
            return
        owner = self.portal.slug_owner(key)
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
        sub, ctc, cat, _ = KIND_INFO[self.kind]
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

    def create(self, body: Page, *, where: str = "") -> PageRecord:
        """Create a page from a (validated) input body; 409 if its URL is taken.

        The stored page is the collection's template (HubSpot's defaults and the
        server-owned constants) with the body's fields applied in one ``replace``: the
        hot path of a batch create, kept to one pass over the body.
        """
        validate_page_input(body, creating=True, where=where)
        now = self.store.now()
        page_id = self.store.next_id()
        page = self.build_page(body, page_id, now)
        key = _slug_key(self.portal, self.kind, page)
        self._check_key(key, page, None)
        rec = PageRecord(id=page_id, live=page, draft=copy_page(page))
        self.records[page_id] = rec
        self.live_ids.append(page_id)  # ids only grow, so the list stays sorted
        if key is not None:
            self.portal.slugs[key] = (self.kind, page_id)
        self.record_revision(rec, page)
        self._touch(rec)
        return rec

    def build_page(self, body: Page, page_id: int, now: datetime) -> Page:
        """The page ``create`` stores for ``body`` (a new struct; nothing is stored)."""
        changes = new_page_changes(body)
        template = self._template
        slug = changes.get("slug", UNSET)
        domain = changes.get("domain", template.domain)
        host = domain if isinstance(domain, str) and domain else self._default_domain
        if isinstance(slug, str):
            if slug.startswith("/"):
                slug = changes["slug"] = slug.lstrip("/")
            url = f"https://{host}/{slug}"
        else:
            url = f"https://{host}/"
        state = changes.get("state", template.state)
        if is_published_state(state) and not isinstance(changes.get("publish_date"), datetime):
            changes["publish_date"] = now
        changes["id"] = str(page_id)
        changes["url"] = url
        changes["created"] = now
        changes["updated"] = now
        return msgspec.structs.replace(template, **changes)

    def created_ms(self, page_id: int) -> int:
        """A page's creation time in epoch ms (a seeded page's comes from its id)."""
        seeded = self.seeded
        if seeded is not None and self.records.owns(page_id):
            return seeded.created_ms(page_id)
        created = self.records[page_id].live.created
        return int(created.timestamp() * 1000) if isinstance(created, datetime) else 0

    def slug_key(self, page: Page) -> tuple[str, str, str] | None:
        """The (domain, slug, language) a page's URL is unique on, or None."""
        return _slug_key(self.portal, self.kind, page)

    def install_seed(self, source: PageSource) -> None:
        """Serve generated pages for ``source``'s ids (see ``seeded.py``)."""
        self.seeded = source
        self.records.source = source
        self.live_ids.extend(range(source.base, source.stop))
        self.version += 1

    @functools.cached_property
    def _default_domain(self) -> str:
        return self.portal.default_domain(self.kind)

    @functools.cached_property
    def _template(self) -> Page:
        """What a page created from an empty body stores (before id, URL and dates)."""
        sub, ctc, cat, _ = KIND_INFO[self.kind]
        return Page(
            **PAGE_DEFAULTS,
            state="DRAFT",  # the guide: pages are created as drafts unless told otherwise
            author_name=EMULATOR_USER.full_name,
            updated_by_id=EMULATOR_USER.id,
            created_by_id=EMULATOR_USER.id,
            subcategory=sub,
            content_type_category=ctc,
            category_id=cat,
            page_redirected=False,
            archived_at=EPOCH,
        )

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
        self.remember(rec.id, rec.live)
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
        self._changed(rec)

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
        self._changed(rec)

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
        self.remember(rec.id, rec.live)
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
            self.invalidate([old, *self.variants(old)])
            self.groups.get(old, set()).discard(rec.id)
            if old in self.groups and not self.groups[old]:
                del self.groups[old]
        value = str(primary) if primary is not None else UNSET
        self.remember(rec.id, rec.live)
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
