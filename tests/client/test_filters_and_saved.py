"""Against the emulator: one filter validator for library and CLI, and returned objects
typed with what HubSpot always sets (``SavedPage``), while a PATCH still sends only
what the caller set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hubpages_async import errors
from hubpages_async.models import UNSET, ContentFolder, Page, SavedContentFolder, SavedPage

ClientFactory = Callable[..., Any]


async def _pages(hs: Any) -> tuple[SavedPage, SavedPage]:
    draft = await hs.site_pages.create(
        Page(name="Draft one", template_path="t/page.html", slug="d1", state="DRAFT")
    )
    live = await hs.site_pages.create(
        Page(
            name="Live one",
            template_path="t/page.html",
            slug="l1",
            state="PUBLISHED_OR_SCHEDULED",
            publish_date=datetime(2024, 5, 1, tzinfo=UTC),
        )
    )
    return draft, live


async def test_a_bare_name_filters_on_equality_as_the_cli_does(
    make_client: ClientFactory,
) -> None:
    async with make_client() as hs:
        draft, live = await _pages(hs)
        found = [p.id async for p in hs.site_pages.list(state="DRAFT")]
        assert found == [draft.id]
        after = datetime(2024, 4, 1, tzinfo=UTC)
        found = [p.id async for p in hs.site_pages.list(publish_date__gt=after, slug="l1")]
        assert found == [live.id]
        # The same filter as command-line text gives the same answer.
        text = [p.id async for p in hs.site_pages.list(publish_date__gt="2024-04-01")]
        assert text == [live.id]


@pytest.mark.parametrize(
    ("filters", "field", "words"),
    [
        ({"publish_date__gt": "yesterday"}, "publish_date__gt", ["'yesterday'", "ISO 8601"]),
        ({"nmae__eq": "x"}, "nmae__eq", ["did you mean 'name'"]),
        ({"created__gt": "2024-01-01"}, "created__gt", ["did you mean 'createdAt'"]),
        ({"name__icontain": "x"}, "name__icontain", ["did you mean 'icontains'"]),
        ({"language": "en"}, "language", ["eq", "in, not_null"]),
    ],
)
async def test_bad_filters_are_refused_before_anything_is_sent(
    make_client: ClientFactory, emulator: Any, filters: dict[str, Any], field: str, words: list[str]
) -> None:
    async with make_client() as hs:
        sent = len(emulator.request_log)
        with pytest.raises(errors.ValidationError) as info:
            hs.site_pages.list(**filters)
        assert info.value.field == field
        for word in words:
            assert word in str(info.value)
        assert len(emulator.request_log) == sent


async def test_folders_validate_against_folder_filters(
    make_client: ClientFactory, emulator: Any
) -> None:
    async with make_client() as hs:
        folder = await hs.landing_pages.folders.create(ContentFolder(name="Campaigns"))
        found = [f.id async for f in hs.landing_pages.folders.list(name="Campaigns")]
        assert found == [folder.id]
        sent = len(emulator.request_log)
        with pytest.raises(errors.ValidationError, match="slug__eq"):
            hs.landing_pages.folders.list(slug__eq="x")
        assert len(emulator.request_log) == sent  # the emulator would have said 400


async def test_returned_objects_carry_id_and_dates_even_with_a_property_selection(
    make_client: ClientFactory,
) -> None:
    async with make_client() as hs:
        draft, _ = await _pages(hs)
        assert isinstance(draft, SavedPage)
        assert isinstance(draft.created, datetime)
        assert isinstance(draft.updated, datetime)
        got = await hs.site_pages.get(draft.id, properties=["name"])
        assert (got.id, got.name, got.created) == (draft.id, "Draft one", draft.created)
        assert got.slug is UNSET  # not selected
        first = await hs.site_pages.list(properties="slug", limit=1)
        assert all(isinstance(p.updated, datetime) for p in first.results)
        report = await hs.site_pages.read_many([draft.id])
        assert [type(p) for p in report.items] == [SavedPage]
        folder = await hs.landing_pages.folders.create(ContentFolder(name="F"))
        assert isinstance(folder, SavedContentFolder)
        assert isinstance(folder.created, datetime)


async def test_sending_back_a_saved_page_sends_no_read_only_field(
    make_client: ClientFactory, emulator: Any
) -> None:
    async with make_client() as hs:
        draft, _ = await _pages(hs)
        later = draft.created + timedelta(days=1)
        edited = await hs.site_pages.update(draft.id, Page(html_title="Sparse"))
        assert (edited.html_title, edited.name, edited.created) == (
            "Sparse",
            "Draft one",
            draft.created,
        )
        # A returned page sent back whole: its id/created/updated are not sent (the
        # emulator refuses no field, so compare what it kept).
        again = await hs.site_pages.update(
            draft.id, SavedPage(id="999", created=later, updated=later, name="Renamed")
        )
        assert (again.id, again.name, again.created) == (draft.id, "Renamed", draft.created)
