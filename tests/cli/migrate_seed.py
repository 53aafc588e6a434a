"""A source portal holding everything a page can be: drafts that differ from live,
scheduled pages (future and past), drafts, archived pages, folders, a language group
and an A/B pair whose variant has unpublished edits of its own."""

from __future__ import annotations

from datetime import UTC, datetime

from hubpages_async import HubPages
from hubpages_async.models import ContentFolder, Page

TEMPLATE = "@hubspot/growth/templates/home.html"
FUTURE = datetime(2031, 5, 4, 3, 2, 1, tzinfo=UTC)
PAST = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def page(name: str, slug: str, **fields: object) -> Page:
    """A page with the two required fields and a slug."""
    return Page(name=name, template_path=TEMPLATE, slug=slug, **fields)  # type: ignore[arg-type]


async def seed_everything(url: str, token: str = "src-token") -> dict[str, str]:
    """Fill the portal behind ``token``; return the source ids by a short name."""
    ids: dict[str, str] = {}
    published = {"state": "PUBLISHED_OR_SCHEDULED"}
    async with HubPages(token, base_url=url) as hs:
        folders = hs.landing_pages.folders
        parent = await folders.create(ContentFolder(name="Campaigns"))
        child = await folders.create(
            ContentFolder(name="Spring", parent_folder_id=int(str(parent.id)))
        )
        offer = await hs.landing_pages.create(
            page("Offer", "offer", folder_id=child.id, html_title="Offer", **published)
        )
        await hs.landing_pages.update_draft(str(offer.id), Page(html_title="Offer (new copy)"))
        ids["offer"] = str(offer.id)

        site = hs.site_pages
        home = await site.create(page("Home", "home", html_title="Home", **published))
        await site.update_draft(
            str(home.id), Page(html_title="Home, rewritten", meta_description="Work in progress")
        )
        ids["home"] = str(home.id)
        wip = await site.create(page("Wip", "wip", state="DRAFT"))
        ids["wip"] = str(wip.id)
        launch = await site.create(page("Launch", "launch", publish_date=FUTURE, **published))
        ids["launch"] = str(launch.id)
        old = await site.create(page("Old news", "old-news", publish_date=PAST, **published))
        ids["old"] = str(old.id)
        about = await site.create(page("About", "about", language="en", **published))
        french = await site.create_language_variation(str(about.id), language="fr")
        ids["about"], ids["about-fr"] = str(about.id), str(french.id)
        pricing = await site.create(page("Pricing", "pricing", **published))
        variant = await site.create_ab_variation(str(pricing.id), "Pricing B")
        await site.update(str(variant.id), Page(html_title="Pricing, variant B"))
        await site.update_draft(str(variant.id), Page(html_title="Pricing B, next try"))
        ids["pricing"], ids["pricing-b"] = str(pricing.id), str(variant.id)
        # Archived (deleted) pages: one whose URL a live page took since.
        retired = await site.create(page("Retired", "spring-sale", html_title="Gone"))
        await site.archive(str(retired.id))
        ids["retired"] = str(retired.id)
        sale = await site.create(page("Spring sale", "spring-sale", **published))
        ids["sale"] = str(sale.id)
    return ids
