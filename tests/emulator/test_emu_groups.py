"""A/B tests and multi-language groups."""

from __future__ import annotations

from ._emu_support import Api, error_ok


async def test_ab_create_end_rerun(api: Api) -> None:
    master = await api.create(name="Home", slug="home", state="PUBLISHED_OR_SCHEDULED")
    r = await api.call(
        "POST",
        "landing-pages/ab-test/create-variation",
        json={"contentId": master["id"], "variationName": "B"},
    )
    error_ok(r, 404, "OBJECT_NOT_FOUND")  # a site page is not a landing page
    r = await api.call(
        "POST",
        "site-pages/ab-test/create-variation",
        json={"contentId": master["id"], "variationName": "B"},
    )
    assert r.status == 201
    assert r.headers["Location"].endswith(f"/site-pages/{r.body['id']}")
    variant = r.body
    assert variant["abStatus"] == "variant"
    assert variant["name"] == "B"
    assert variant["slug"] == "home"  # variants share the master's URL
    test_id = variant["abTestId"]
    m = (await api.call("GET", f"site-pages/{master['id']}")).body
    assert (m["abStatus"], m["abTestId"]) == ("master", test_id)
    r = await api.call(
        "POST", "site-pages/ab-test/end", json={"abTestId": test_id, "winnerId": variant["id"]}
    )
    assert r.status == 204
    assert (await api.call("GET", f"site-pages/{variant['id']}")).body["abStatus"] == "master"
    loser = (await api.call("GET", f"site-pages/{master['id']}")).body
    assert loser["abStatus"] == "loser_variant"
    assert loser["state"] == "LOSER_AB_VARIANT"
    r = await api.call(
        "POST", "site-pages/ab-test/rerun", json={"abTestId": test_id, "variationId": master["id"]}
    )
    assert r.status == 204
    assert (await api.call("GET", f"site-pages/{master['id']}")).body["abStatus"] == "variant"
    error_ok(
        await api.call("POST", "site-pages/ab-test/end", json={"abTestId": "1", "winnerId": "2"}),
        404,
        "OBJECT_NOT_FOUND",
    )
    r = await api.call("POST", "site-pages/ab-test/end", json={"abTestId": test_id})
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "winnerId" in r.body["message"]


async def test_language_variation_and_translations(api: Api) -> None:
    primary = await api.create(name="Hello", slug="hello", language="en")
    r = await api.call(
        "POST",
        "site-pages/multi-language/create-language-variation",
        json={"id": primary["id"], "language": "de"},
    )
    assert r.status == 200
    de = r.body
    assert de["language"] == "de"
    assert de["translatedFromId"] == primary["id"]
    assert de["slug"] == "de/hello"
    p = (await api.call("GET", f"site-pages/{primary['id']}")).body
    assert "translatedFromId" not in p  # null (omitted) on the primary
    assert set(p["translations"]) == {"de"}
    assert p["translations"]["de"]["id"] == int(de["id"])
    assert set(de["translations"]) == {"en"}
    r = await api.call(
        "POST",
        "site-pages/multi-language/create-language-variation",
        json={"id": primary["id"], "language": "de"},
    )
    error_ok(r, 400, "VALIDATION_ERROR")
    assert {
        x["id"]
        for x in (
            await api.call("GET", "site-pages", params={"translatedFromId__not_null": ""})
        ).body["results"]
    } == {de["id"]}


async def test_attach_detach_primary_update_languages(api: Api) -> None:
    en = await api.create(name="en", language="en")
    fr = await api.create(name="fr")
    es = await api.create(name="es")
    r = await api.call(
        "POST",
        "site-pages/multi-language/attach-to-lang-group",
        json={"id": fr["id"], "language": "fr", "primaryId": en["id"]},
    )
    assert r.status == 200  # empty 200: every official client accepts it
    assert r.body is None
    await api.call(
        "POST",
        "site-pages/multi-language/attach-to-lang-group",
        json={"id": es["id"], "language": "es", "primaryId": en["id"]},
    )
    assert set((await api.call("GET", f"site-pages/{en['id']}")).body["translations"]) == {
        "fr",
        "es",
    }
    r = await api.call(
        "PUT", "site-pages/multi-language/set-new-lang-primary", json={"id": fr["id"]}
    )
    assert r.status == 204
    got = {
        p: (await api.call("GET", f"site-pages/{p}")).body for p in (en["id"], fr["id"], es["id"])
    }
    assert "translatedFromId" not in got[fr["id"]]
    assert got[en["id"]]["translatedFromId"] == fr["id"]
    assert got[es["id"]]["translatedFromId"] == fr["id"]
    r = await api.call(
        "POST",
        "site-pages/multi-language/update-languages",
        json={"primaryId": fr["id"], "languages": {es["id"]: "es-mx", en["id"]: "en-gb"}},
    )
    assert r.status == 200  # empty 200: every official client accepts it
    assert (await api.call("GET", f"site-pages/{es['id']}")).body["language"] == "es-mx"
    r = await api.call(
        "POST",
        "site-pages/multi-language/update-languages",
        json={"primaryId": fr["id"], "languages": {es["id"]: "fr"}},
    )
    error_ok(r, 400, "VALIDATION_ERROR")
    r = await api.call(
        "POST", "site-pages/multi-language/detach-from-lang-group", json={"id": fr["id"]}
    )
    error_ok(r, 400, "VALIDATION_ERROR")  # the primary cannot leave while it has variants
    r = await api.call(
        "POST", "site-pages/multi-language/detach-from-lang-group", json={"id": es["id"]}
    )
    assert r.status == 200  # empty 200: every official client accepts it
    assert "translatedFromId" not in (await api.call("GET", f"site-pages/{es['id']}")).body
    assert set((await api.call("GET", f"site-pages/{fr['id']}")).body["translations"]) == {"en-gb"}


async def test_multi_language_bodies_are_strict(api: Api) -> None:
    r = await api.call(
        "POST", "site-pages/multi-language/detach-from-lang-group", json={"pageId": "1"}
    )
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "pageId" in r.body["message"]
