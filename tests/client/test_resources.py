"""Input checks that happen before anything is sent (the client is never even opened,
so any request attempt would fail with ClientStateError instead)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from hubpages_async import HubPages, errors
from hubpages_async.models import ContentFolder, Page

from ._support import FAKE_TOKEN


@pytest.fixture
def hs() -> HubPages:
    return HubPages(FAKE_TOKEN, base_url="http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("page", "field"),
    [
        (Page(template_path="t/p.html"), "page.name"),
        (Page(name="  ", template_path="t/p.html"), "page.name"),
        (Page(name="N"), "page.template_path"),
        (Page(name="N", template_path="/t/p.html"), "page.template_path"),
        ({"name": "N", "templatePath": "/x.html"}, "page.template_path"),
        ({"name": 5}, "page"),
        ("not a page", "page"),
    ],
)
async def test_create_validates_before_sending(hs: HubPages, page: Any, field: str) -> None:
    with pytest.raises(errors.ValidationError) as info:
        await hs.site_pages.create(page)
    assert info.value.field == field


async def test_batch_inputs_are_named_by_position(hs: HubPages) -> None:
    good = Page(name="N", template_path="t/p.html")
    with pytest.raises(errors.ValidationError) as info:
        await hs.landing_pages.batch_create([good, good, Page(name="N")])
    assert info.value.field == "pages[2].template_path"
    with pytest.raises(errors.ValidationError) as info:
        await hs.site_pages.batch_update([Page(id="1", name="x"), Page(name="y")])
    assert info.value.field == "pages[1].id"
    with pytest.raises(errors.ValidationError) as info:
        await hs.site_pages.batch_read(["1", ""])
    assert info.value.field == "ids[1]"
    with pytest.raises(errors.ValidationError) as info:
        await hs.landing_pages.folders.batch_create([ContentFolder()])
    assert info.value.field == "folders[0].name"


async def test_other_checks(hs: HubPages) -> None:
    with pytest.raises(errors.ValidationError, match="publish_date"):
        await hs.site_pages.schedule("1", datetime(2030, 1, 1))  # naive
    with pytest.raises(errors.ValidationError, match="page_id"):
        await hs.site_pages.get("")
    with pytest.raises(errors.ValidationError, match="folder_id"):
        await hs.landing_pages.folders.get(" ")
    with pytest.raises(errors.ValidationError, match=r"folder\.name"):
        await hs.landing_pages.folders.create(ContentFolder())
    with pytest.raises(errors.ValidationError, match="revision_id"):
        await hs.site_pages.get_revision("1", "")


def test_list_filters_fail_at_call_time_not_at_await(hs: HubPages) -> None:
    with pytest.raises(errors.ValidationError) as info:
        hs.site_pages.list(colour__eq="red")  # type: ignore[call-arg]
    assert info.value.field == "colour__eq"
    with pytest.raises(errors.ValidationError):
        hs.landing_pages.folders.list(limit=0)


def test_ids_cannot_escape_their_path_segment(hs: HubPages) -> None:
    # Quoting kept "..%2F..%2Fx%3Fy" in one segment, but "." and ".." passed through and
    # URL normalisation resolved them: refused outright since issue 10 (tests/client/test_ids.py).
    with pytest.raises(errors.ValidationError, match="page_id"):
        hs.site_pages._item("../../x?y")
    assert hs.landing_pages.folders._item(12) == "landing-pages/folders/12"


def test_resources_share_one_core(hs: HubPages) -> None:
    assert hs.site_pages._core is hs.landing_pages._core is hs.landing_pages.folders._core
    assert repr(hs.landing_pages.folders) == "FoldersResource('landing-pages/folders')"
    assert not hasattr(hs.site_pages, "folders")
