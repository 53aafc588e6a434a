"""``hubpages migrate`` carries everything a page is: live and draft, publish state
(published, draft, scheduled, past schedule) and, with ``--include-archived``, archived
pages."""

from __future__ import annotations

import json
from pathlib import Path

from hubpages_async.emulator import Emulator
from hubpages_async.models import Page

from .conftest import hubpages
from .migrate_seed import FUTURE, PAST, seed_everything

TOKENS = ["src-token@1", "dst-token@2"]


def migrate_argv(url: str, journal: Path, *extra: str) -> list[str]:
    """``hubpages migrate`` between portal 1 and 2 of the emulator at ``url``."""
    return [
        *("migrate", "--base-url", url, "--from-token", "src-token", "--to-token", "dst-token"),
        *("--journal", str(journal), "--rate-limit", "none", *extra),
    ]


def by_name(emu: Emulator, kind: str, portal: int, *, archived: bool = False) -> dict[str, Page]:
    """The portal's pages of ``kind`` by name (A/B variants by name + " [variant]")."""
    out = {}
    for p in emu.store.pages(kind, portal=portal, archived=archived):
        suffix = " [variant]" if p.ab_status == "variant" else ""
        out[f"{p.name}{suffix}"] = p
    return out


async def test_migrate_carries_drafts_publish_state_and_archived_pages(tmp_path: Path) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        await seed_everything(emu.url)
        argv = migrate_argv(emu.url, tmp_path / "j", "--include-archived")
        result = await hubpages(*argv)
        assert result.code == 0, result.stderr
        steps = json.loads(result.stdout)["steps"]
        # Home, Pricing B (site) and Offer (landing) have unpublished edits.
        assert steps["site-pages-drafts"]["done"] == len(emu.store.pages("site-pages"))
        store = emu.store
        site = by_name(emu, "site-pages", 2)

        home = site["Home"]
        assert home.html_title == "Home"  # live stays as it was
        draft = store.draft("site-pages", str(home.id), portal=2)
        assert draft is not None
        assert (draft.html_title, draft.meta_description) == ("Home, rewritten", "Work in progress")
        variant = site["Pricing B [variant]"]
        assert variant.html_title == "Pricing, variant B"
        variant_draft = store.draft("site-pages", str(variant.id), portal=2)
        assert variant_draft is not None
        assert variant_draft.html_title == "Pricing B, next try"
        (offer,) = store.pages("landing-pages", portal=2)
        offer_draft = store.draft("landing-pages", str(offer.id), portal=2)
        assert offer_draft is not None
        assert offer_draft.html_title == "Offer (new copy)"
        # A page without unpublished edits keeps a draft equal to live.
        about_draft = store.draft("site-pages", str(site["About"].id), portal=2)
        assert about_draft is not None
        assert about_draft.html_title == site["About"].html_title

        assert (home.current_state, home.currently_published) == ("PUBLISHED", True)
        assert site["Wip"].current_state == "DRAFT"
        assert site["Launch"].current_state == "SCHEDULED"
        assert site["Launch"].publish_date == FUTURE
        assert site["Old news"].current_state == "PUBLISHED"
        assert site["Old news"].publish_date == PAST

        # The archived page is archived at the destination too, and the live page that
        # took its URL since was copied as well.
        (retired,) = store.pages("site-pages", portal=2, archived=True)
        assert (retired.name, retired.slug, retired.html_title) == (
            "Retired",
            "spring-sale",
            "Gone",
        )
        assert site["Spring sale"].slug == "spring-sale"
