"""Every operation round-trips against the emulator over real sockets, and a walk of
HubSpot's OpenAPI spec proves each documented operation is called by some method."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import aiohttp
import pytest
from spec_files import SPEC_V3

from hubpages_async import HubPages, errors
from hubpages_async.models import ContentFolder, Page

from ._scenario import exercise_everything, exercise_folders, exercise_pages
from ._support import FAKE_TOKEN

HERE = Path(__file__).parent
SNAPSHOT = HERE / "spec_v3_operations.txt"
SPEC = SPEC_V3


def documented_operations() -> list[tuple[str, str]]:
    """(METHOD, path template) of the 66 documented ``/cms/v3/pages`` operations."""
    rows = [line.split() for line in SNAPSHOT.read_text().splitlines() if line[:1] not in "#"]
    return [(method, path) for method, path, _ in rows]


def test_snapshot_matches_the_spec() -> None:
    spec = json.loads(SPEC.read_text())
    from_spec = sorted(
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        if path.startswith("/cms/v3/pages/")  # not the undocumented /cms/pages/v3 cursors
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    )
    assert from_spec == sorted(documented_operations())
    assert len(from_spec) == 66


def template_regex(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$")


class Recorder:
    """An aiohttp TraceConfig noting the method, path and status of every request."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []
        self.config = aiohttp.TraceConfig()
        self.config.on_request_end.append(self._end)

    async def _end(self, session: aiohttp.ClientSession, ctx: SimpleNamespace, params: Any) -> None:
        self.calls.append((params.method, params.url.path, params.response.status))


@pytest.mark.parametrize("api", ["v3", "2026-03"])
async def test_every_documented_operation_is_called_by_some_method(
    emulator: Any, api: Literal["v3", "2026-03"]
) -> None:
    recorder = Recorder()
    async with HubPages(
        FAKE_TOKEN, base_url=emulator.url, api=api, trace_configs=[recorder.config]
    ) as hs:
        await exercise_everything(hs)
    prefix = "/cms/v3/pages" if api == "v3" else "/cms/pages/2026-03"
    # The emulator's own record agrees with what aiohttp traced.
    assert [(r.method, r.path) for r in emulator.request_log] == [
        (m, p) for m, p, _ in recorder.calls
    ]
    missing = []
    for method, template in documented_operations():
        pattern = template_regex(template.replace("/cms/v3/pages", prefix, 1))
        hits = [s for m, p, s in recorder.calls if m == method and pattern.match(p)]
        if not any(200 <= s < 300 for s in hits):
            missing.append(f"{method} {template}")
    assert missing == [], f"operations no client method exercised: {missing}"
    assert all(200 <= s < 300 for _, _, s in recorder.calls)


async def test_site_pages_round_trip(emulator: Any) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        await exercise_pages(hs.site_pages)
        assert hs.stats.requests == len(emulator.request_log)
        assert hs.stats.retries == 0


async def test_landing_pages_and_folders_round_trip(emulator: Any) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        await exercise_pages(hs.landing_pages)
        await exercise_folders(hs.landing_pages.folders)
    assert all(r.path.startswith("/cms/v3/pages/landing-pages") for r in emulator.request_log)


async def test_create_strips_read_only_fields_and_sends_only_what_was_set(emulator: Any) -> None:
    bodies: list[bytes] = []

    async def on_chunk(session: Any, ctx: Any, params: aiohttp.TraceRequestChunkSentParams) -> None:
        bodies.append(params.chunk)

    trace = aiohttp.TraceConfig()
    trace.on_request_chunk_sent.append(on_chunk)
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, trace_configs=[trace]) as hs:
        page = Page(id="999", url="https://x", name="N", template_path="t/p.html", slug="s")
        created = await hs.site_pages.create(page)
        assert created.id != "999"
        fetched = await hs.site_pages.get(created.id or "")
        bodies.clear()
        await hs.site_pages.update(created.id or "", fetched)
    sent = json.loads(b"".join(bodies))
    for read_only in ("id", "url", "created", "updated", "currentState", "archivedAt"):
        assert read_only not in sent
    assert sent["name"] == "N"


async def test_caller_session_is_used_and_not_closed(emulator: Any) -> None:
    async with aiohttp.ClientSession() as session:
        async with HubPages(FAKE_TOKEN, base_url=emulator.url, session=session) as hs:
            first = await hs.site_pages.list(limit=1)
            assert first.results == []
        assert not session.closed
        async with session.get(f"{emulator.url}/cms/v3/pages/site-pages") as resp:
            assert resp.status == 401  # still usable; and it never carried our token
        # The client is closed although the session lives on: no request goes out.
        sent = len(emulator.request_log)
        with pytest.raises(errors.ClientStateError, match="async with"):
            await hs.site_pages.list(limit=1)
        assert len(emulator.request_log) == sent


async def test_request_escape_hatch(emulator: Any) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        page = await hs.site_pages.create(Page(name="A", template_path="t/a.html"))
        raw = await hs.request("GET", f"site-pages/{page.id}", response_type=Page)
        assert raw.id == page.id
        absolute = await hs.request(
            "GET", f"{emulator.url}/cms/v3/pages/site-pages/{page.id}", response_type=Page
        )
        assert absolute.name == "A"
        assert await hs.request("GET", "/cms/v3/pages/site-pages", params={"limit": "1"}) is None


async def test_bulk_delegations_reach_the_bulk_layer(emulator: Any) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        pages = [Page(name=f"B{i}", template_path="t/p.html", slug=f"bulk-{i}") for i in range(5)]
        created = await hs.site_pages.create_many(pages, chunk_size=2)
        assert created.ok
        assert created.succeeded == 5
        ids = [i for i in created.ids if i]
        assert len((await hs.site_pages.read_many(ids, collect=True)).items) == 5
        updates = [Page(id=i, html_title="bulk") for i in ids]
        assert (await hs.site_pages.update_many(updates)).succeeded == 5
        exported = [p async for p in hs.site_pages.export(shards=2)]
        assert sorted(p.id for p in exported if p.id) == sorted(ids)
        assert (await hs.site_pages.archive_many(ids)).succeeded == 5
        folders = await hs.landing_pages.folders.create_many([ContentFolder(name="F")])
        assert folders.succeeded == 1
    assert emulator.store.pages("site-pages") == []
