"""User code as ``mypy --strict`` must see it (checked by ``test_typing.py``, never run).

A line ending in ``# R: <type>`` must reveal exactly that type (names without their
modules: ``SavedPage``, not ``hubpages_async.models.page.SavedPage``); a line ending in
``# E: <code>`` must be a mypy error with that code; every other line must be clean.
The mistakes are the ones users make: misspelt options and filters, wrong value types,
and reading the id of a page the server returned.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import reveal_type

from hubpages_async import HubPages
from hubpages_async.models import ContentFolder, Page

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


async def returned_objects(hs: HubPages) -> None:
    page = await hs.site_pages.create(Page(name="Pricing", template_path="t/page.html"))
    reveal_type(page)  # R: SavedPage
    reveal_type(page.id)  # R: str
    reveal_type(page.created)  # R: datetime
    reveal_type(page.updated)  # R: datetime
    # What the caller may leave unset stays optional on the object sent and returned.
    reveal_type(page.name)  # R: str | UnsetType | None
    again = await hs.site_pages.get(page.id)
    reveal_type(again)  # R: SavedPage
    # A sparse update: a new Page with only what changes; the saved page is a Page too.
    await hs.site_pages.update(page.id, Page(html_title="New"))
    await hs.site_pages.update(page.id, again)
    await hs.site_pages.update(Page().id, Page())  # E: arg-type
    draft = await hs.landing_pages.get_draft(page.id)
    reveal_type(draft.id)  # R: str
    batch = await hs.site_pages.batch_read([page.id])
    reveal_type(batch.results)  # R: list[SavedPage]
    folder = await hs.landing_pages.folders.create(ContentFolder(name="Campaigns"))
    reveal_type(folder)  # R: SavedContentFolder
    reveal_type(folder.id)  # R: str
    reveal_type(folder.parent_folder_id)  # R: int | UnsetType | None
    await hs.landing_pages.folders.create(Page(name="x"))  # E: arg-type


async def bulk(hs: HubPages) -> None:
    pages = [Page(name="A", template_path="t/page.html")]
    report = await hs.site_pages.create_many(pages, chunk_size=50, concurrency=4)
    reveal_type(report)  # R: BatchReport[SavedPage]
    reveal_type(report.items)  # R: list[SavedPage]
    await hs.site_pages.create_many([{"name": "B", "templatePath": "t/page.html"}])
    await hs.site_pages.create_many([1, 2, 3])  # E: list-item
    await hs.site_pages.create_many(pages, chunk_sise=50)  # E: call-arg
    await hs.site_pages.create_many(pages, concurency=4)  # E: call-arg
    await hs.site_pages.create_many(pages, journal=3)  # E: arg-type
    read = await hs.landing_pages.read_many(["1", "2"], archived=False)
    reveal_type(read)  # R: BatchReport[SavedPage]
    await hs.landing_pages.read_many([1, 2])  # E: list-item
    updated = await hs.site_pages.update_many([Page(id="1", name="C")], collect=False)
    reveal_type(updated)  # R: BatchReport[SavedPage]
    folders = await hs.landing_pages.folders.archive_many(["7"], max_rounds=2)
    reveal_type(folders)  # R: BatchReport[SavedContentFolder]
    await hs.landing_pages.folders.create_many(pages)  # E: arg-type


async def filters(hs: HubPages) -> None:
    pager = hs.site_pages.list(
        state="DRAFT",
        publish_date__gt=WHEN,
        slug__in=["a", "b"],
        translated_from_id__is_null=True,
        name__icontains="pricing",
        limit=10,
    )
    first = await pager
    reveal_type(first.results)  # R: list[SavedPage]
    async for item in hs.landing_pages.list(ab_status__eq="MASTER"):
        reveal_type(item)  # R: SavedPage
    hs.site_pages.list(nmae__eq="x")  # E: call-arg
    hs.site_pages.list(publish_date__gt="yesterday")  # E: arg-type
    hs.site_pages.list(slug__in=7)  # E: arg-type
    hs.site_pages.list(folder_id__is_null=False)  # E: arg-type
    hs.site_pages.list(name__gt="x")  # E: call-arg
    hs.site_pages.list(publishDate__gt=WHEN)  # E: call-arg
    hs.landing_pages.folders.list(name__icontains="x", created_at__gte=WHEN)
    hs.landing_pages.folders.list(slug__eq="x")  # E: call-arg
    async for exported in hs.site_pages.export(shards=4, state__in=["DRAFT"], limit=50):
        reveal_type(exported)  # R: SavedPage
    hs.site_pages.export(after="cursor")  # E: call-arg
    hs.site_pages.export(shards=2, created_at__lte="2024")  # E: arg-type
    async for f in hs.landing_pages.folders.export(name="Campaigns"):
        reveal_type(f)  # R: SavedContentFolder
