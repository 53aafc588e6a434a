"""Portal state: every portal's pages by kind (live and draft), folders and slug index.

Every portal has its own site pages, landing pages and landing-page folders (see
``page_collection.py`` and ``folder_collection.py``). A page record holds the live page
and its draft separately (HubSpot's draft/live split), the list of recorded revisions
and a ``deleted`` flag (DELETE is a hard delete, but ``archived=true`` still lists
deleted pages, so they are kept aside).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime

from ..models import ContentFolder, Page, PageVersion
from .folder_collection import FolderCollection
from .page_collection import PageCollection
from .page_rules import EPOCH, KIND_INFO, PAGE_KINDS
from .records import FolderRecord, PageRecord

__all__ = ["Portal", "Store"]


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

    def reserve_ids(self, n: int) -> int:
        """Set aside ``n`` consecutive ids (seeded pages); returns the first."""
        first = next(self._ids)
        self._ids = itertools.count(first + n)
        return first

    def reserve_revision_ids(self, n: int) -> int:
        """Set aside ``n`` consecutive revision ids; returns the first."""
        first = int(self.next_revision_id())
        self._revision_ids = itertools.count(first + n)
        return first

    def reserve_past(self, last_id: int, last_revision: int) -> None:
        """Never hand out ids below these again (seeded blocks after a restart)."""
        self._ids = itertools.count(max(last_id, next(self._ids)))
        self._revision_ids = itertools.count(max(last_revision, next(self._revision_ids)))

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

    def slug_owner(self, key: tuple[str, str, str]) -> tuple[str, int] | None:
        """The live page at this URL key: an indexed one, else a seeded one not yet stored."""
        owner = self.slugs.get(key)
        if owner is not None:
            return owner
        for kind, coll in self.pages.items():
            source = coll.seeded
            if source is not None:
                page_id = source.slug_owner(key)
                if page_id is not None:
                    return kind, page_id
        return None

    def default_domain(self, kind: str) -> str:
        """The portal's primary domain for a content type (used when domain is blank)."""
        return f"{KIND_INFO[kind][3]}.portal{self.id}.hs-sites.com"
