"""Walk every client operation once against a live server (used by several tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubpages_async import HubPages
from hubpages_async.models import ContentFolder, Page
from hubpages_async.resources import FoldersResource, PagesResource


def new_page(tag: str, **fields: object) -> Page:
    return Page(
        name=f"Page {tag}",
        template_path="@hubspot/growth/templates/page.html",
        slug=f"scenario-{tag}",
        html_title=f"Title {tag}",
        **fields,  # type: ignore[arg-type]
    )


async def exercise_pages(pages: PagesResource) -> None:
    """All 27 page operations, each checked for a sensible answer."""
    p1 = await pages.create(new_page("one", language="en", state="PUBLISHED_OR_SCHEDULED"))
    assert isinstance(p1.id, str)
    assert p1.name == "Page one"
    pid = p1.id

    got = await pages.get(pid)
    assert got.id == pid
    assert got.slug == "scenario-one"
    slim = await pages.get(pid, properties=["name", "slug"], archived=False)
    assert slim.name == "Page one"

    # A GET-then-PATCH: the fetched page carries read-only fields; they are stripped.
    got.html_title = "Updated title"
    updated = await pages.update(pid, got)
    assert updated.html_title == "Updated title"

    first = await pages.list(limit=1, name__icontains="page one")
    assert first.results
    assert first.results[0].id == pid
    listed = [p.id async for p in pages.list(slug__in=["scenario-one"], sort="-created_at")]
    assert listed == [pid]

    draft = await pages.update_draft(pid, Page(html_title="Draft title"))
    assert draft.html_title == "Draft title"
    assert (await pages.get_draft(pid)).html_title == "Draft title"
    await pages.push_live(pid)
    assert (await pages.get(pid)).html_title == "Draft title"
    await pages.update_draft(pid, Page(html_title="Discard me"))
    await pages.reset_draft(pid)
    assert (await pages.get_draft(pid)).html_title == "Draft title"

    await pages.schedule(pid, datetime.now(UTC) + timedelta(days=3))

    copy = await pages.clone(pid, clone_name="Copy of one")
    assert copy.id != pid
    assert copy.name == "Copy of one"

    revisions = [r async for r in pages.list_revisions(pid, limit=2)]
    assert len(revisions) >= 2
    rev_id = revisions[-1].id
    assert isinstance(rev_id, str)
    assert (await pages.get_revision(pid, rev_id)).id == rev_id
    assert (await pages.restore_revision(pid, rev_id)).id == pid
    assert (await pages.restore_revision_to_draft(pid, rev_id)).id is not None

    variant = await pages.create_ab_variation(pid, "Variant B")
    assert variant.ab_test_id
    assert variant.name == "Variant B"
    assert isinstance(variant.id, str)
    await pages.end_ab_test(variant.ab_test_id, pid)
    await pages.rerun_ab_test(variant.ab_test_id, variant.id)

    primary = await pages.create(new_page("lang", language="en"))
    assert isinstance(primary.id, str)
    french = await pages.create_language_variation(
        primary.id, language="fr", primary_language="en", use_published=False
    )
    assert french.language == "fr"
    assert isinstance(french.id, str)
    await pages.detach_from_language_group(french.id)
    await pages.attach_to_language_group(french.id, language="fr", primary_id=primary.id)
    assert (await pages.get(french.id)).translated_from_id == primary.id
    await pages.set_language_primary(french.id)
    await pages.update_languages(french.id, {french.id: "fr-fr", primary.id: "en"})
    assert (await pages.get(french.id)).language == "fr-fr"

    created = await pages.batch_create([new_page("b1"), new_page("b2")])
    ids = [p.id for p in created.results if isinstance(p.id, str)]
    assert len(ids) == 2
    read = await pages.batch_read(ids)
    assert sorted(p.id for p in read.results if p.id) == sorted(ids)
    changed = await pages.batch_update([Page(id=i, html_title="batch") for i in ids])
    assert {p.html_title for p in changed.results} == {"batch"}
    await pages.batch_archive(ids)
    gone = await pages.batch_read(ids)
    assert not gone.results

    await pages.archive(copy.id or "")


async def exercise_folders(folders: FoldersResource) -> None:
    """All 12 folder operations."""
    folder = await folders.create(ContentFolder(name="Campaigns"))
    assert isinstance(folder.id, str)
    fid = folder.id
    assert (await folders.get(fid)).name == "Campaigns"
    assert (await folders.get(fid, properties="name")).name == "Campaigns"
    renamed = await folders.update(fid, ContentFolder(name="Campaigns 2026"))
    assert renamed.name == "Campaigns 2026"
    assert fid in [f.id async for f in folders.list(limit=10)]

    revisions = [r async for r in folders.list_revisions(fid)]
    assert revisions
    rev_id = revisions[-1].id
    assert isinstance(rev_id, str)
    assert (await folders.get_revision(fid, rev_id)).id == rev_id
    assert (await folders.restore_revision(fid, rev_id)).id == fid

    batch = await folders.batch_create([ContentFolder(name="F1"), ContentFolder(name="F2")])
    ids = [f.id for f in batch.results if isinstance(f.id, str)]
    assert len(ids) == 2
    assert len((await folders.batch_read(ids)).results) == 2
    updated = await folders.batch_update([ContentFolder(id=i, name=f"G{i}") for i in ids])
    assert {f.name for f in updated.results} == {f"G{i}" for i in ids}
    await folders.batch_archive(ids)
    await folders.archive(fid)


async def exercise_everything(hs: HubPages) -> None:
    """Every operation of every resource of one client."""
    await exercise_pages(hs.site_pages)
    await exercise_pages(hs.landing_pages)
    await exercise_folders(hs.landing_pages.folders)
