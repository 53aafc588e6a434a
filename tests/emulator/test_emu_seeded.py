"""Seeded portals are generated on demand (``seeded.py``) and behave like stored ones.

A generated page must answer byte for byte what the same page answers once stored, for
listings (every sort, filters, cursors, archived, property selection), single reads,
drafts and revisions, and after the same writes; a large generated portal walks once
through every page; a state file brings the same seeded portal back with its changes.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import aiohttp

from hubpages_async import HubPages, export
from hubpages_async.emulator import Emulator
from hubpages_async.emulator.page_rules import PAGE_KINDS

_FROZEN = 1_780_000_000.0
_QUERIES: list[dict[str, str]] = [
    {},
    {"limit": "7"},
    {"sort": "-createdAt", "limit": "9"},
    {"sort": "name"},
    {"sort": "-updatedAt", "limit": "11"},
    {"sort": "publishDate"},
    {"sort": "slug", "limit": "13"},
    {"state__eq": "PUBLISHED_OR_SCHEDULED"},
    {"language__in": "de,fr"},
    {"translatedFromId__not_null": ""},
    {"abStatus__eq": "variant"},
    {"abStatus__eq": "master", "property": "name,abTestId"},
    {"archived": "true"},
    {"name__icontains": "growth", "sort": "-name"},
]


def _store_everything(emu: Emulator) -> None:
    """Turn every generated page into a stored one (the reference behaviour)."""
    for portal in emu.store.portals.values():
        for kind in PAGE_KINDS:
            coll = portal.pages[kind]
            for i in list(coll.live_ids):
                coll.records[i] = coll.records[i]


async def _answers(s: aiohttp.ClientSession, url: str) -> list[Any]:
    out: list[Any] = []
    base = url + "/cms/v3/pages/"
    for kind in PAGE_KINDS:
        for params in _QUERIES:
            walk = dict(params)
            for _ in range(40):  # bounded: 60 pages at limit >= 7
                async with s.get(base + kind, params=walk) as r:
                    raw = (await r.read()).replace(url.encode(), b"URL")
                    out.append((kind, str(params), r.status, raw))
                    body = await r.json()
                nxt = body.get("paging", {}).get("next")
                if nxt is None:
                    break
                walk["after"] = nxt["after"]
        async with s.get(base + kind, params={"limit": "100"}) as r:
            ids = [p["id"] for p in (await r.json())["results"]]
        for page_id in ids[::5]:
            for suffix in ("", "/draft", "/revisions"):
                async with s.get(f"{base}{kind}/{page_id}{suffix}") as r:
                    out.append((kind, page_id + suffix, r.status, await r.read()))
        async with s.post(base + kind + "/batch/read", json={"inputs": ids[:30]}) as r:
            out.append((kind, "batch/read", r.status, await r.json()))
    return out


async def _writes(s: aiohttp.ClientSession, url: str) -> list[Any]:
    """The same changes on both portals; returns what each answered."""
    base = url + "/cms/v3/pages/site-pages"
    async with s.get(base, params={"limit": "100"}) as r:
        pages = (await r.json())["results"]
    primary = next(p for p in pages if p.get("translations"))
    variant_id = str(next(iter(primary["translations"].values()))["id"])
    plain = [p for p in pages if not p.get("translations") and "translatedFromId" not in p]
    steps: list[tuple[str, str, Any]] = [
        ("PATCH", f"/{plain[0]['id']}", {"name": "renamed"}),
        ("PATCH", f"/{plain[1]['id']}/draft", {"htmlTitle": "draft only"}),
        ("DELETE", f"/{plain[2]['id']}", None),
        ("POST", "/multi-language/detach-from-lang-group", {"id": variant_id}),
        ("POST", "", {"name": "dup", "templatePath": "t.html", "slug": plain[1]["slug"],
                      "domain": plain[1]["domain"], "language": plain[1]["language"]}),
        ("POST", "", {"name": "dup", "templatePath": "t.html", "slug": plain[2]["slug"],
                      "domain": plain[2]["domain"], "language": plain[2]["language"]}),
    ]  # fmt: skip
    out = []
    for method, path, body in steps:
        async with s.request(method, base + path, json=body) as r:
            raw = await r.read()
            out.append((method, path, r.status, b"correlationId" in raw or raw))
    return out


async def test_generated_pages_answer_like_stored_ones() -> None:
    async with (
        Emulator(rate_limit=None, daily_limit=None, seed_pages=60, wall_clock=lambda: _FROZEN)
        as generated,
        Emulator(rate_limit=None, daily_limit=None, seed_pages=60, wall_clock=lambda: _FROZEN)
        as stored,
        aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as s,
    ):  # fmt: skip
        _store_everything(stored)
        assert (
            not generated.store.portal(1)
            .pages["site-pages"]
            .records.is_stored(generated.store.portal(1).pages["site-pages"].live_ids[0])
        )
        assert await _answers(s, generated.url) == await _answers(s, stored.url)
        done = await _writes(s, generated.url)
        assert done == await _writes(s, stored.url)
        assert [status for *_, status, _ in done] == [200, 200, 204, 200, 409, 201]
        assert await _answers(s, generated.url) == await _answers(s, stored.url)


async def test_a_large_generated_portal_walks_every_page_once() -> None:
    n = 4000
    async with (
        Emulator(rate_limit=None, daily_limit=None, seed_pages=n) as emu,
        HubPages("t", base_url=emu.url) as hs,
    ):
        walked = [str(p.id) async for p in hs.site_pages.list(limit=100)]
        assert len(walked) == n
        assert len(set(walked)) == n
        exported = [str(p.id) async for p in export.export(hs.landing_pages, shards=4)]
        assert len(exported) == n
        assert len(set(exported)) == n
        coll = emu.store.portal(1).pages["site-pages"]
        assert not coll.records.stored  # reading stores nothing


async def test_a_state_file_keeps_the_seeded_portal_and_its_changes(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    ticks = itertools.count(_FROZEN, 0.01)
    async with (
        Emulator(state=db, rate_limit=None, seed_pages=30, wall_clock=lambda: next(ticks)) as emu,
        aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as s,
    ):
        base = emu.url + "/cms/v3/pages/site-pages"
        async with s.get(base, params={"limit": "100"}) as r:
            first = (await r.json())["results"]
        async with s.patch(f"{base}/{first[0]['id']}", json={"name": "kept"}) as r:
            assert r.status == 200
        async with s.delete(f"{base}/{first[1]['id']}") as r:
            assert r.status == 204
        async with s.get(f"{base}/{first[2]['id']}") as r:
            untouched = await r.read()
    async with (
        Emulator(state=db, rate_limit=None, seed_pages=30, wall_clock=lambda: next(ticks)) as emu,
        aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as s,
    ):
        base = emu.url + "/cms/v3/pages/site-pages"
        async with s.get(base, params={"limit": "100"}) as r:
            again = await r.json()
        assert again["total"] == 29
        assert again["results"][0]["name"] == "kept"
        async with s.get(f"{base}/{first[1]['id']}", params={"archived": "true"}) as r:
            assert r.status == 200
        async with s.get(f"{base}/{first[2]['id']}") as r:
            assert await r.read() == untouched
        body = {"name": "new", "templatePath": "t.html", "slug": "brand-new"}
        async with s.post(base, json=body) as r:
            assert int((await r.json())["id"]) > max(int(p["id"]) for p in again["results"])
