"""Ids cannot move the path (issue 10): ``update("..")`` used to PATCH /cms/v3/pages/.

Every refusal is a ``ValidationError`` naming the parameter, raised before anything
is sent (the hostile server counts what reaches it); real ids keep working against the
emulator.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from conftest import ClientFactory

from hubpages_async import HubPages, RetryPolicy, errors
from hubpages_async.models import ContentFolder, Page

from ._hostile import hostile_server
from ._support import FAKE_TOKEN

BAD_IDS = [
    ".",
    "..",
    "../x",
    "1/2",
    "1?archived=true",
    "1#x",
    "%2e%2e",
    "1%2F2",
    "a b",
    "1\n2",
    "1\\2",
    "é",
    "1;x",
    "~",
]

Call = Callable[[HubPages, str], Awaitable[Any]]

CALLS: dict[str, tuple[str, Call]] = {
    "get": ("page_id", lambda hs, i: hs.site_pages.get(i)),
    "update": ("page_id", lambda hs, i: hs.site_pages.update(i, Page(name="x"))),
    "archive": ("page_id", lambda hs, i: hs.site_pages.archive(i)),
    "get_draft": ("page_id", lambda hs, i: hs.landing_pages.get_draft(i)),
    "push_live": ("page_id", lambda hs, i: hs.site_pages.push_live(i)),
    "folder": ("folder_id", lambda hs, i: hs.landing_pages.folders.get(i)),
    "revision": ("revision_id", lambda hs, i: hs.site_pages.get_revision("1", i)),
    "batch_read": ("ids[0]", lambda hs, i: hs.site_pages.batch_read([i])),
    "batch_archive": ("ids[0]", lambda hs, i: hs.site_pages.batch_archive([i])),
}


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("call", sorted(CALLS))
async def test_an_id_that_is_not_one_path_segment_is_refused_before_sending(
    call: str, bad: str
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b'{"id": "1", "name": "x"}', content_type="application/json")

    field, invoke = CALLS[call]
    async with (
        hostile_server(handler) as server,
        HubPages(FAKE_TOKEN, base_url=server.url, retry=RetryPolicy.none()) as hs,
    ):
        with pytest.raises(errors.ValidationError) as info:
            await invoke(hs, bad)
    assert server.seen == []
    assert info.value.field.endswith(field.split("[")[0]) or info.value.field == field
    assert repr(bad) in info.value.problem


async def test_real_ids_still_work_against_the_emulator(make_client: ClientFactory) -> None:
    async with make_client() as hs:
        page = await hs.site_pages.create(Page(name="Home", template_path="t/home.html"))
        folder = await hs.landing_pages.folders.create(ContentFolder(name="F"))
        assert isinstance(page.id, str)
        assert isinstance(folder.id, str)
        assert (await hs.site_pages.get(page.id)).name == "Home"
        assert (await hs.site_pages.get(f" {page.id} ")).name == "Home"  # stripped, as before
        assert (await hs.site_pages.get(int(page.id))).name == "Home"  # type: ignore[arg-type]
        assert (await hs.landing_pages.folders.get(folder.id)).name == "F"
        await hs.site_pages.archive(page.id)
