"""A seeded portal of any size: pages generated from their id on demand.

``--seed-pages N`` gives every portal N realistic pages of each kind (folders, published,
draft and scheduled pages, pending draft edits, language groups, A/B pairs) without
storing them: page ``k`` of a kind is a pure function of (seed, portal, kind, k), built
the moment something reads it, and stored in the collection only once it changes
(``Records.records`` is a ``RecordMap``). A million pages per kind therefore cost
their id lists (a few tens of MB) rather than 8 KB each, and start in well under a
second; a stored page always wins over the generated one, so updates, deletes and
group changes behave exactly as for pages created through the API.

The portal's layout, for ``n`` pages of a kind with ``m = n - n // 25`` ordinary pages:

- ids ``base .. base + n - 1``; creation times one millisecond apart, ending at seeding
  time (ids and creation times grow together, as the listings require);
- ordinary page ``k`` (``k < m``) is ``realistic_page(k)``; every seventh has a pending
  draft edit; page ``k = 10j + 1`` is the language variant of page ``10j``;
- the last ``n // 25`` pages are the B variants of evenly spaced masters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import msgspec

from ..models import UNSET, ContentFolder, Page, PageVersion
from .page_rules import EMULATOR_USER, PAGE_KINDS, copy_page
from .records import PageRecord
from .seed import WORDS, realistic_page

if TYPE_CHECKING:
    from .page_collection import PageCollection
    from .store import Portal

__all__ = ["SeedPlan", "SeededPages", "install", "seed_lazily"]


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """Where one kind's seeded pages live: enough to rebuild them after a restart."""

    n: int
    seed: int
    base: int  # id of page 0
    ab_base: int  # A/B test id of variant 0
    revision_base: int  # revision ids base + 4k .. base + 4k + 3
    created_ms: int  # creation time of page 0, epoch milliseconds
    folders: tuple[str, ...] = ()  # landing pages: folder ids to spread pages over

    @property
    def n_ab(self) -> int:
        """How many of the n pages are A/B variants."""
        return self.n // 25

    @property
    def m(self) -> int:
        """How many ordinary (non-variant) pages there are."""
        return self.n - self.n_ab

    @property
    def step(self) -> int:
        """Spacing of the A/B masters among the ordinary pages."""
        return self.m // self.n_ab if self.n_ab else 1


class SeededPages:
    """Builds the seeded pages of one collection from their ids."""

    def __init__(self, coll: PageCollection, plan: SeedPlan) -> None:
        self.coll = coll
        self.plan = plan
        self.base = plan.base
        self.stop = plan.base + plan.n

    def owns(self, page_id: int) -> bool:
        """Whether ``page_id`` is one of the seeded ids."""
        return self.plan.base <= page_id < self.stop

    # -- the pieces ---------------------------------------------------------------------
    def _input(self, k: int) -> Page:
        plan = self.plan
        rng = random.Random(f"{plan.seed}:{self.coll.portal.id}:{self.coll.kind}:{k}")
        page = realistic_page(k, rng, kind=self.coll.kind)
        if plan.folders:
            page.folder_id = plan.folders[k % len(plan.folders)]
        return page

    def created_ms(self, page_id: int) -> int:
        """Creation time of a seeded page in epoch ms, as listings compute it from the page."""
        return int(self._created(page_id - self.plan.base).timestamp() * 1000)

    def _created(self, k: int) -> datetime:
        ms = self.plan.created_ms + k
        return datetime.fromtimestamp(ms / 1000, UTC)

    def _revision(self, k: int, r: int, page: Page, at: datetime) -> PageVersion:
        return PageVersion(
            id=str(self.plan.revision_base + 4 * k + r),
            object=copy_page(page),
            updated_at=at,
            user=EMULATOR_USER,
        )

    def _master_index(self, k: int) -> int | None:
        """The A/B test number of an ordinary page that is a master, else None."""
        plan = self.plan
        if not plan.n_ab or k < 5 or (k - 5) % plan.step:
            return None
        j = (k - 5) // plan.step
        return j if j < plan.n_ab else None

    def _language_pair(self, k: int) -> str:
        """Language of page ``10j + 1``: its primary's language never repeats in a group."""
        own = self._input(k).language
        primary = self._input(k - 1).language
        if own == primary or not isinstance(own, str):
            return "de" if primary != "de" else "fr"
        return own

    def variants_of(self, primary: int) -> tuple[int, ...]:
        """Ids of the seeded language variants of a seeded primary (as generated)."""
        k = primary - self.plan.base
        if self.owns(primary) and k % 10 == 0 and k + 1 < self.plan.m:
            return (primary + 1,)
        return ()

    # -- whole records ------------------------------------------------------------------
    def build(self, page_id: int) -> PageRecord:
        """The record of seeded page ``page_id`` as seeding would have stored it."""
        plan = self.plan
        k = page_id - plan.base
        created = self._created(k)
        if k >= plan.m:
            return self._variant(page_id, k, created)
        page = self.coll.build_page(self._input(k), page_id, created)
        if k % 10 == 1:
            page.language = self._language_pair(k)
            page.translated_from_id = str(page_id - 1)
        j = self._master_index(k)
        if j is not None:
            published = page.state in ("PUBLISHED_OR_SCHEDULED", "PUBLISHED_AB")
            page.ab_status = "master"
            page.ab_test_id = str(plan.ab_base + j)
            page.state = "PUBLISHED_AB" if published else "DRAFT_AB"
        revisions = [self._revision(k, 0, page, created)]
        draft = copy_page(page)
        if k % 7 == 3:  # a pending, unpublished edit
            draft.html_title = f"{draft.html_title} (draft edit)"
            revisions.append(self._revision(k, 1, draft, created))
        return PageRecord(id=page_id, live=page, draft=draft, revisions=revisions)

    def _variant(self, page_id: int, k: int, created: datetime) -> PageRecord:
        plan = self.plan
        j = k - plan.m
        master_k = j * plan.step + 5
        master = self.build(plan.base + master_k)
        body = msgspec.structs.replace(
            copy_page(master.draft),
            id=UNSET,
            url=UNSET,
            name=f"{master.live.name} B",
            ab_status="variant",
            ab_test_id=str(plan.ab_base + j),
            state="DRAFT_AB_VARIANT",
            publish_date=UNSET,
            translated_from_id=UNSET,
        )
        page = self.coll.build_page(body, page_id, created)
        page.ab_status = "variant"
        page.ab_test_id = str(plan.ab_base + j)
        return PageRecord(
            id=page_id,
            live=page,
            draft=copy_page(page),
            revisions=[self._revision(k, 0, page, created)],
        )

    def slug_owner(self, key: tuple[str, str, str]) -> int | None:
        """The live seeded page whose URL key this is, if any (stored or generated)."""
        tail = key[1].rsplit("-", 1)
        if len(tail) != 2 or not tail[1].isdigit():
            return None
        k = int(tail[1])
        if k >= self.plan.m:
            return None
        page_id = self.plan.base + k
        rec = self.coll.records[page_id]
        # A stored one counts too: a draft edit stores a page without re-indexing its URL.
        if rec.deleted or self.coll.slug_key(rec.live) != key:
            return None
        return page_id


def install(portal: Portal, kind: str, plan: SeedPlan) -> None:
    """Serve a kind's seeded pages as ``plan`` lays them out (also after a restart)."""
    coll = portal.pages[kind]
    coll.install_seed(SeededPages(coll, plan))


def seed_lazily(portal: Portal, n: int, seed: int) -> dict[str, SeedPlan]:
    """Seed a portal with ``n`` generated pages of each kind (folders are stored).

    Returns the plans, which is all a state file needs to rebuild the same pages.
    """
    store = portal.store
    rng = random.Random(seed + portal.id)
    folders = tuple(
        str(portal.folders.create(ContentFolder(name=f"{w.capitalize()} campaigns")).id)
        for w in rng.sample(WORDS, max(1, min(10, n // 20)))
    )
    plans: dict[str, SeedPlan] = {}
    for kind in PAGE_KINDS:
        created_ms = int(store.now().timestamp() * 1000) - n
        plan = SeedPlan(
            n=n,
            seed=seed,
            base=store.reserve_ids(n),
            ab_base=store.reserve_ids(n // 25),
            revision_base=int(store.reserve_revision_ids(4 * n)),
            created_ms=created_ms,
            folders=folders if kind == "landing-pages" else (),
        )
        install(portal, kind, plan)
        plans[kind] = plan
    return plans
