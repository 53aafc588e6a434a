"""Listing: limit and its cap, the keyset cursor, sort, date params, filters, properties."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hubpages_async._filters import FILTERABLE, OPERATOR_SYNONYMS
from hubpages_async.emulator import Emulator
from hubpages_async.emulator.seed import seed_portal
from hubpages_async.emulator.store import Store

from ._emu_support import Api, error_ok


async def _walk(
    api: Api, params: dict[str, str], *, kind: str = "site-pages"
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    query = dict(params)
    for _ in range(1000):
        r = await api.call("GET", kind, params=query)
        assert r.status == 200, r.body
        out += r.body["results"]
        nxt = r.body.get("paging", {}).get("next")
        if not nxt:
            return out
        assert nxt["link"].startswith(api.url)
        query = {**params, "after": nxt["after"]}
    raise AssertionError("the walk did not end")


async def test_limit_default_and_cap(api: Api, emu: Emulator) -> None:
    for i in range(105):
        await api.create(name=f"n{i}")
    r = await api.call("GET", "site-pages")
    assert len(r.body["results"]) == 100
    assert r.body["total"] == 105
    r = await api.call("GET", "site-pages", params={"limit": "500"})
    assert len(r.body["results"]) == 100  # clamped to the documented cap
    r = await api.call("GET", "site-pages", params={"limit": "7"})
    assert len(r.body["results"]) == 7
    error_ok(await api.call("GET", "site-pages", params={"limit": "0"}), 400, "VALIDATION_ERROR")
    error_ok(await api.call("GET", "site-pages", params={"limit": "x"}), 400, "VALIDATION_ERROR")
    pages = await _walk(api, {"limit": "10"})
    assert [p["name"] for p in pages] == [f"n{i}" for i in range(105)]
    cursor = r.body["paging"]["next"]["after"]
    last = await api.call("GET", "site-pages", params={"limit": "100", "after": cursor})
    assert len(last.body["results"]) == 98
    assert "paging" not in last.body  # absent on the last page


async def test_bad_cursor_is_a_400(api: Api) -> None:
    error_ok(
        await api.call("GET", "site-pages", params={"after": "nonsense!"}), 400, "VALIDATION_ERROR"
    )
    for i in range(3):
        await api.create(name=f"c{i}")
    r = await api.call("GET", "site-pages", params={"limit": "1"})
    cursor = r.body["paging"]["next"]["after"]
    r = await api.call("GET", "site-pages", params={"limit": "1", "after": cursor, "sort": "name"})
    error_ok(r, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("sort", ["createdAt", "-createdAt", "name", "-name", "-updatedAt"])
async def test_cursor_never_skips_or_repeats_under_concurrent_changes(api: Api, sort: str) -> None:
    rng = random.Random(sort)
    originals = [await api.create(name=f"page {rng.randrange(30):02d}") for _ in range(40)]
    survivors = {p["id"] for p in originals}
    seen: list[str] = []
    created: set[str] = set()
    params = {"limit": "6", "sort": sort}
    query = dict(params)
    for _ in range(100):
        r = await api.call("GET", "site-pages", params=query)
        seen += [p["id"] for p in r.body["results"]]
        # Between two pages of the walk: create two pages, delete one not yet seen.
        for _ in range(2):
            created.add((await api.create(name=f"page {rng.randrange(30):02d}"))["id"])
        unseen = sorted(survivors - set(seen))
        if unseen:
            victim = rng.choice(unseen)
            assert (await api.call("DELETE", f"site-pages/{victim}")).status == 204
            survivors.discard(victim)
        nxt = r.body.get("paging", {}).get("next")
        if not nxt:
            break
        query = {**params, "after": nxt["after"]}
    else:
        raise AssertionError("walk did not end")
    assert len(seen) == len(set(seen)), "a page was returned twice"
    assert survivors <= set(seen), "a page that existed throughout was skipped"
    assert set(seen) <= survivors | created | {p["id"] for p in originals}


async def test_sort_orders(api: Api) -> None:
    for name in ["b", "C", "a"]:
        await api.create(name=name)
    names = [
        p["name"]
        for p in (await api.call("GET", "site-pages", params={"sort": "name"})).body["results"]
    ]
    assert names == ["a", "b", "C"]
    names = [
        p["name"]
        for p in (await api.call("GET", "site-pages", params={"sort": "-name"})).body["results"]
    ]
    assert names == ["C", "b", "a"]
    created = [
        p["name"]
        for p in (await api.call("GET", "site-pages", params={"sort": "-createdAt"})).body[
            "results"
        ]
    ]
    assert created == ["a", "C", "b"]
    for field in ("createdBy", "updatedBy", "publishDate", "updatedAt"):
        assert (await api.call("GET", "site-pages", params={"sort": field})).status == 200
    error_ok(await api.call("GET", "site-pages", params={"sort": "color"}), 400, "VALIDATION_ERROR")


async def test_created_and_updated_params(make_api: Any) -> None:
    now = [1_700_000_000.0]
    api = await make_api(rate_limit=None, wall_clock=lambda: now[0])
    a = await api.create(name="a")
    now[0] += 5
    b = await api.create(name="b")
    r = await api.call("GET", "site-pages", params={"createdAt": a["created"]})
    assert [p["id"] for p in r.body["results"]] == [a["id"]]
    r = await api.call("GET", "site-pages", params={"createdAfter": a["created"]})
    assert a["id"] not in [p["id"] for p in r.body["results"]]
    r = await api.call("GET", "site-pages", params={"createdBefore": b["created"]})
    assert b["id"] not in [p["id"] for p in r.body["results"]]
    epoch_ms = str(int(datetime.fromisoformat(b["updated"]).timestamp() * 1000))
    r = await api.call("GET", "site-pages", params={"updatedAt": epoch_ms})
    assert b["id"] in [p["id"] for p in r.body["results"]]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert (await api.call("GET", "site-pages", params={"updatedAfter": future})).body["total"] == 0
    error_ok(
        await api.call("GET", "site-pages", params={"createdAt": "yesterday"}),
        400,
        "VALIDATION_ERROR",
    )


async def _ids(api: Api, **params: str) -> set[str]:
    r = await api.call("GET", "site-pages", params=params)
    assert r.status == 200, (params, r.body)
    return {p["id"] for p in r.body["results"]}


async def test_filters_and_synonyms(api: Api) -> None:
    past = "2024-01-01T00:00:00Z"
    future = "2031-01-01T00:00:00Z"
    a = await api.create(
        name="Marketing Home",
        slug="home",
        state="PUBLISHED_OR_SCHEDULED",
        publishDate=past,
        language="de-at",
        templatePath="@hubspot/a.html",
        domain="www.a.com",
        campaign="c1",
    )
    b = await api.create(
        name="Pricing",
        slug="pricing",
        state="PUBLISHED_OR_SCHEDULED",
        publishDate=future,
        language="en",
        templatePath="custom/b.html",
    )
    c = await api.create(name="draft marketing", slug="draft-x", state="DRAFT")
    A, B, C = a["id"], b["id"], c["id"]
    assert await _ids(api, name__icontains="marketing") == {A, C}
    assert await _ids(api, name__ilike="MARKETING") == {A, C}
    assert await _ids(api, name__eq="Pricing") == {B}
    assert await _ids(api, name__exact="Pricing") == {B}
    assert await _ids(api, name__is="Pricing") == {B}
    assert await _ids(api, name__in="Pricing,Marketing Home") == {A, B}
    assert await _ids(api, id__in=f"{A},{C}") == {A, C}
    assert await _ids(api, id__not_in=A) == {B, C}
    assert await _ids(api, id__eq=A) == {A}
    assert await _ids(api, slug__nin="home,pricing") == {C}
    assert await _ids(api, slug__icontains="DRAFT") == {C}
    assert await _ids(api, state__ne="DRAFT") == {A, B}
    assert await _ids(api, state__neq="DRAFT") == {A, B}
    assert await _ids(api, state__not="DRAFT") == {A, B}
    assert await _ids(api, state__contains="PUBLISHED") == {A, B}
    assert await _ids(api, state__like="PUBLISHED") == {A, B}
    assert await _ids(api, state__in="DRAFT") == {C}
    assert await _ids(api, state__nin="DRAFT") == {A, B}
    now = datetime.now(UTC).isoformat()
    # The guide's recipe: scheduled vs published by publishDate against now.
    assert await _ids(api, state__in="PUBLISHED_OR_SCHEDULED", publishDate__gt=now) == {B}
    assert await _ids(api, state__in="PUBLISHED_OR_SCHEDULED", publishDate__lt=now) == {A}
    epoch_ms = str(int(datetime.fromisoformat(past.replace("Z", "+00:00")).timestamp() * 1000))
    assert await _ids(api, publishDate__eq=epoch_ms) == {A}
    assert await _ids(api, publishDate__gte=past) == {A, B}
    assert await _ids(api, publishDate__lte=past) == {A}
    assert await _ids(api, createdAt__gte=a["created"]) == {A, B, C}
    assert await _ids(api, updatedAt__lt="2000-01-01T00:00:00Z") == set()
    assert await _ids(api, archivedAt__eq="0") == {A, B, C}
    assert await _ids(api, templatePath__startswith="@hubspot") == {A}
    assert await _ids(api, templatePath__contains="custom") == {B}
    assert await _ids(api, domain__eq="www.a.com") == {A}
    assert await _ids(api, domain__contains="a.com") == {A}
    assert await _ids(api, domain__not_like="a.com") == {B, C}
    assert await _ids(api, domain__nlike="a.com") == {B, C}
    assert await _ids(api, campaign__eq="c1") == {A}
    assert await _ids(api, campaign__in="c1,c2") == {A}
    assert await _ids(api, language__in="de") == {A}  # bare language matches de-at
    assert await _ids(api, language__not_null="") == {A, B}
    assert await _ids(api, subcategory__eq="site_page") == {A, B, C}
    assert await _ids(api, subcategory__ne="site_page") == set()
    assert await _ids(api, subcategory__in="site_page") == {A, B, C}
    assert await _ids(api, subcategory__nin="landing_page") == {A, B, C}
    assert await _ids(api, folderId__is_null="") == {A, B, C}
    assert await _ids(api, folderId__null="") == {A, B, C}
    assert await _ids(api, folderId__not_null="") == set()
    assert await _ids(api, translatedFromId__is_null="") == {A, B, C}
    assert await _ids(api, translatedFromId__not_null="") == set()
    assert await _ids(api, createdById__eq=a["createdById"]) == {A, B, C}
    assert await _ids(api, updatedById__eq="0") == set()
    assert await _ids(api, abTestId__eq="1") == set()
    assert await _ids(api, abTestId__in="1,2") == set()
    assert await _ids(api, mabExperimentId__eq="1") == set()
    assert await _ids(api, mabExperimentId__in="1") == set()
    assert await _ids(api, dynamicPageHubDbTableId__eq="1") == set()
    assert await _ids(api, dynamicPageHubDbTableId__not_null="") == set()
    assert await _ids(api, name__icontains="marketing", state__eq="DRAFT") == {C}


async def test_every_table_operator_is_accepted(api: Api) -> None:
    """Every (property, operator) of the guide's table, and every synonym, answers 200."""
    values = {"publishDate": "0", "createdAt": "0", "updatedAt": "0", "archivedAt": "0"}
    for prop, ops in FILTERABLE.items():
        for op in ops:
            r = await api.call("GET", "site-pages", params={f"{prop}__{op}": values.get(prop, "x")})
            assert r.status == 200, (prop, op, r.body)
    for synonym, op in OPERATOR_SYNONYMS.items():
        prop = next(p for p, ops in FILTERABLE.items() if op in ops)
        r = await api.call(
            "GET", "site-pages", params={f"{prop}__{synonym}": values.get(prop, "x")}
        )
        assert r.status == 200, (prop, synonym, r.body)


async def test_unsupported_filters_are_400s_naming_them(api: Api) -> None:
    r = await api.call("GET", "site-pages", params={"color__eq": "red"})
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "color" in r.body["message"]
    r = await api.call("GET", "site-pages", params={"name__startswith": "a"})
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "startswith" in r.body["message"]
    assert r.body["errors"][0]["in"] == "name__startswith"
    r = await api.call("GET", "site-pages", params={"name__between": "a"})
    error_ok(r, 400, "VALIDATION_ERROR")
    r = await api.call("GET", "site-pages", params={"name": "a"})
    error_ok(r, 400, "VALIDATION_ERROR")
    r = await api.call("GET", "site-pages", params={"publishDate__gt": "soon"})
    error_ok(r, 400, "VALIDATION_ERROR")


async def test_ab_status_filter_is_case_insensitive(api: Api) -> None:
    page = await api.create()
    r = await api.call(
        "POST",
        "site-pages/ab-test/create-variation",
        json={"contentId": page["id"], "variationName": "B"},
    )
    assert await _ids(api, abStatus__eq="MASTER") == {page["id"]}
    assert await _ids(api, abStatus__eq="variant") == {r.body["id"]}


async def test_property_selection_in_lists(api: Api) -> None:
    await api.create(name="x")
    r = await api.call("GET", "site-pages", params={"property": "name,slug"})
    assert set(r.body["results"][0]) == {"id", "name", "slug"}


async def test_folder_listing(api: Api) -> None:
    for name in ["b", "a", "c"]:
        await api.call("POST", "landing-pages/folders", json={"name": name})
    r = await api.call("GET", "landing-pages/folders", params={"sort": "name", "limit": "2"})
    assert [f["name"] for f in r.body["results"]] == ["a", "b"]
    r2 = await api.call(
        "GET",
        "landing-pages/folders",
        params={"sort": "name", "after": r.body["paging"]["next"]["after"]},
    )
    assert [f["name"] for f in r2.body["results"]] == ["c"]
    r = await api.call("GET", "landing-pages/folders", params={"name__icontains": "A"})
    assert [f["name"] for f in r.body["results"]] == ["a"]
    error_ok(
        await api.call("GET", "landing-pages/folders", params={"slug__eq": "x"}),
        400,
        "VALIDATION_ERROR",
    )


async def test_seeded_portal_is_realistic(make_api: Any) -> None:
    api = await make_api(rate_limit=None, seed_pages=60)
    emu = api.emulator
    pages = emu.store.pages("site-pages")
    assert len(pages) == 60
    assert len(emu.store.pages("landing-pages")) == 60
    states = {p.current_state for p in pages}
    assert {"PUBLISHED", "DRAFT", "SCHEDULED"} <= states
    assert {p.language for p in pages} >= {"en", "de"}
    assert any(p.translated_from_id for p in pages)
    assert any(p.ab_status == "variant" for p in pages)
    assert emu.store.folders()
    assert all(p.folder_id for p in emu.store.pages("landing-pages") if p.ab_status != "variant")
    drafts = [emu.store.draft("site-pages", p.id) for p in pages]
    assert any(
        d is not None and d.html_title != p.html_title for d, p in zip(drafts, pages, strict=True)
    )
    listed = await _walk(api, {})
    assert len(listed) == len(pages)


@pytest.mark.parametrize("n", [1, 24, 25, 1000])
def test_seeding_makes_exactly_n_pages_of_each_kind(n: int) -> None:
    # 1000 used to come out 999: the A/B masters' spacing wrapped around onto a page
    # that already had a variant.
    store = Store()
    seed_portal(store.portal(1), n, random.Random(7))
    for kind in ("site-pages", "landing-pages"):
        pages = store.pages(kind)
        assert len(pages) == n
        assert sum(p.ab_status == "variant" for p in pages) == n // 25


async def test_sorted_walk_sees_changes_made_between_pages(api: Api) -> None:
    """The per-version cache of sorted answers never serves a stale page."""
    for name in ["d", "b", "f"]:
        await api.create(name=name)
    r = await api.call("GET", "site-pages", params={"sort": "name", "limit": "1"})
    assert [p["name"] for p in r.body["results"]] == ["b"]
    await api.create(name="c")  # sorts after the cursor: must appear
    cursor = r.body["paging"]["next"]["after"]
    r = await api.call("GET", "site-pages", params={"sort": "name", "limit": "1", "after": cursor})
    assert [p["name"] for p in r.body["results"]] == ["c"]
    page_d = (await api.call("GET", "site-pages", params={"name__eq": "d"})).body["results"][0]
    await api.call("PATCH", f"site-pages/{page_d['id']}", json={"name": "e"})
    cursor = r.body["paging"]["next"]["after"]
    r = await api.call("GET", "site-pages", params={"sort": "name", "limit": "5", "after": cursor})
    assert [p["name"] for p in r.body["results"]] == ["e", "f"]
