"""Single-page behaviour: create rules, server fields, drafts, schedule, revisions, clone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubpages_async.emulator import Emulator

from ._emu_support import Api, error_ok


async def test_create_sets_server_fields(api: Api, emu: Emulator) -> None:
    r = await api.call(
        "POST",
        "site-pages",
        json={
            "name": "About",
            "templatePath": "t/about.html",
            "slug": "about",
            "domain": "www.x.com",
        },
    )
    assert r.status == 201
    page = r.body
    assert page["id"].isdigit()
    assert r.headers["Location"].endswith(f"/cms/v3/pages/site-pages/{page['id']}")
    assert page["url"] == "https://www.x.com/about"
    assert page["archivedAt"] == "1970-01-01T00:00:00Z"
    assert page["state"] == "DRAFT"
    assert page["currentState"] == "DRAFT"
    assert page["currentlyPublished"] is False
    assert page["created"] == page["updated"]
    assert page["subcategory"] == "site_page"
    assert emu.store.page("site-pages", page["id"]) is not None


async def test_create_validation_errors_name_the_field(api: Api) -> None:
    r = await api.call("POST", "site-pages", json={"templatePath": "t.html"})
    error_ok(r, 400, "VALIDATION_ERROR")
    assert r.body["errors"][0]["in"] == "name"
    r = await api.call("POST", "site-pages", json={"name": "x"})
    assert r.body["errors"][0]["in"] == "templatePath"
    r = await api.call("POST", "site-pages", json={"name": "x", "templatePath": "/t.html"})
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "templatePath" in r.body["message"]
    r = await api.call(
        "POST", "site-pages", json={"name": "x", "templatePath": "t.html", "slugg": "a"}
    )
    error_ok(r, 400, "VALIDATION_ERROR")
    assert r.body["errors"][0]["in"] == "slugg"
    r = await api.call("POST", "site-pages", json={"name": 5, "templatePath": "t.html"})
    error_ok(r, 400, "VALIDATION_ERROR")
    assert r.body["errors"][0]["in"] == "name"
    r = await api.call("POST", "site-pages", data=b'{"name": ')
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "JSON" in r.body["message"]


async def test_read_only_fields_in_input_are_ignored(api: Api) -> None:
    page = await api.create(id="1", url="https://evil/x", created="2020-01-01T00:00:00Z")
    assert page["id"] != "1"
    assert not page["url"].startswith("https://evil")
    assert page["created"] != "2020-01-01T00:00:00Z"


async def test_duplicate_slug_is_a_conflict_per_domain_and_language(api: Api) -> None:
    await api.create(slug="dup", language="en")
    r = await api.call(
        "POST",
        "site-pages",
        json={"name": "b", "templatePath": "t.html", "slug": "dup", "language": "en"},
    )
    error_ok(r, 409, "CONFLICT")
    assert r.body["context"]["slug"] == ["dup"]
    await api.create(slug="dup", language="de")  # another language: fine
    await api.create(slug="dup", language="en", domain="other.example.com")  # another domain
    await api.create("landing-pages", slug="dup", language="en")  # landing pages' own domain


async def test_get_update_delete_and_archived(api: Api, emu: Emulator) -> None:
    page = await api.create(name="Old")
    pid = page["id"]
    r = await api.call("PATCH", f"site-pages/{pid}", json={"name": "New", "htmlTitle": "T"})
    assert r.status == 200
    assert r.body["name"] == "New"
    assert r.body["templatePath"] == "tpl/page.html"  # sparse update
    assert (await api.call("GET", f"site-pages/{pid}")).body["htmlTitle"] == "T"
    r = await api.call("GET", f"site-pages/{pid}", params={"property": "name,slug"})
    assert set(r.body) == {"id", "name", "slug"}
    assert (await api.call("DELETE", f"site-pages/{pid}")).status == 204
    error_ok(await api.call("GET", f"site-pages/{pid}"), 404, "OBJECT_NOT_FOUND")
    error_ok(await api.call("DELETE", f"site-pages/{pid}"), 404, "OBJECT_NOT_FOUND")
    r = await api.call("GET", f"site-pages/{pid}", params={"archived": "true"})
    assert r.status == 200
    assert r.body["archivedAt"] != "1970-01-01T00:00:00Z"
    listed = await api.call("GET", "site-pages", params={"archived": "true"})
    assert [p["id"] for p in listed.body["results"]] == [pid]
    assert (await api.call("GET", "site-pages")).body["total"] == 0
    assert emu.store.pages("site-pages", archived=True)[0].id == pid


async def test_archived_in_dashboard_is_only_a_flag(api: Api) -> None:
    page = await api.create()
    r = await api.call("PATCH", f"site-pages/{page['id']}", json={"archivedInDashboard": True})
    assert r.body["archivedInDashboard"] is True
    assert (await api.call("GET", "site-pages")).body["total"] == 1


async def test_draft_is_separate_from_live(api: Api) -> None:
    page = await api.create(name="Live", state="PUBLISHED_OR_SCHEDULED")
    pid = page["id"]
    r = await api.call("PATCH", f"site-pages/{pid}/draft", json={"name": "Draft"})
    assert r.status == 200
    assert r.body["name"] == "Draft"
    assert (await api.call("GET", f"site-pages/{pid}")).body["name"] == "Live"
    assert (await api.call("GET", f"site-pages/{pid}/draft")).body["name"] == "Draft"
    assert (await api.call("POST", f"site-pages/{pid}/draft/reset")).status == 204
    assert (await api.call("GET", f"site-pages/{pid}/draft")).body["name"] == "Live"
    await api.call("PATCH", f"site-pages/{pid}/draft", json={"name": "Draft 2"})
    assert (await api.call("POST", f"site-pages/{pid}/draft/push-live")).status == 204
    live = (await api.call("GET", f"site-pages/{pid}")).body
    assert live["name"] == "Draft 2"
    assert live["currentState"] == "PUBLISHED"


async def test_push_live_refuses_an_unpublished_page(api: Api) -> None:
    page = await api.create(state="DRAFT")
    r = await api.call("POST", f"site-pages/{page['id']}/draft/push-live")
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "not published" in r.body["message"]


async def test_schedule_sets_publish_date_and_state(api: Api) -> None:
    page = await api.create()
    future = datetime.now(UTC) + timedelta(days=30)
    r = await api.call(
        "POST", "site-pages/schedule", json={"id": page["id"], "publishDate": future.isoformat()}
    )
    assert r.status == 204
    live = (await api.call("GET", f"site-pages/{page['id']}")).body
    assert live["state"] == "PUBLISHED_OR_SCHEDULED"
    assert live["currentState"] == "SCHEDULED"
    assert live["currentlyPublished"] is False
    past = datetime.now(UTC) - timedelta(days=1)
    await api.call(
        "POST", "site-pages/schedule", json={"id": page["id"], "publishDate": past.isoformat()}
    )
    live = (await api.call("GET", f"site-pages/{page['id']}")).body
    assert live["currentState"] == "PUBLISHED"
    assert live["currentlyPublished"] is True
    r = await api.call(
        "POST", "site-pages/schedule", json={"id": "404", "publishDate": past.isoformat()}
    )
    error_ok(r, 404, "OBJECT_NOT_FOUND")


async def test_revisions_list_get_restore(api: Api) -> None:
    page = await api.create(name="v1")
    pid = page["id"]
    await api.call("PATCH", f"site-pages/{pid}", json={"name": "v2"})
    await api.call("PATCH", f"site-pages/{pid}", json={"name": "v3"})
    r = await api.call("GET", f"site-pages/{pid}/revisions")
    assert r.status == 200
    assert r.body["total"] == 3
    names = [v["object"]["name"] for v in r.body["results"]]
    assert names == ["v3", "v2", "v1"]  # newest first
    first = r.body["results"][-1]
    assert first["user"]["email"]
    one = await api.call("GET", f"site-pages/{pid}/revisions/{first['id']}")
    assert one.body["object"]["name"] == "v1"
    r = await api.call("POST", f"site-pages/{pid}/revisions/{first['id']}/restore-to-draft")
    assert r.body["name"] == "v1"
    assert (await api.call("GET", f"site-pages/{pid}")).body["name"] == "v3"
    r = await api.call("POST", f"site-pages/{pid}/revisions/{first['id']}/restore")
    assert r.status == 200
    assert r.body["name"] == "v1"
    assert r.body["id"] == pid
    assert (await api.call("GET", f"site-pages/{pid}/revisions")).body["total"] == 5
    error_ok(await api.call("GET", f"site-pages/{pid}/revisions/1"), 404, "OBJECT_NOT_FOUND")


async def test_revision_paging(api: Api) -> None:
    page = await api.create(name="r0")
    for i in range(1, 5):
        await api.call("PATCH", f"site-pages/{page['id']}", json={"name": f"r{i}"})
    seen: list[str] = []
    params: dict[str, str] = {"limit": "2"}
    for _ in range(5):
        r = await api.call("GET", f"site-pages/{page['id']}/revisions", params=params)
        seen += [v["object"]["name"] for v in r.body["results"]]
        nxt = r.body.get("paging", {}).get("next")
        if not nxt:
            break
        params = {"limit": "2", "after": nxt["after"]}
    assert seen == ["r4", "r3", "r2", "r1", "r0"]
    r = await api.call("GET", f"site-pages/{page['id']}/revisions", params=params)
    prev = r.body["paging"]["prev"]["before"]
    back = await api.call(
        "GET", f"site-pages/{page['id']}/revisions", params={"limit": "2", "before": prev}
    )
    assert [v["object"]["name"] for v in back.body["results"]] == ["r2", "r1"]


async def test_clone(api: Api) -> None:
    page = await api.create(name="Orig", slug="orig")
    r = await api.call("POST", "site-pages/clone", json={"id": page["id"], "cloneName": "Copy"})
    assert r.status == 200
    assert r.body["name"] == "Copy"
    assert r.body["id"] != page["id"]
    assert r.body["slug"] != "orig"
    assert r.body["state"] == "DRAFT"
    r = await api.call("POST", "site-pages/clone", json={"id": page["id"]})
    assert r.body["name"] == "Orig (clone)"
    error_ok(await api.call("POST", "site-pages/clone", json={"id": "9"}), 404, "OBJECT_NOT_FOUND")


async def test_dated_prefix_serves_the_same_state(api: Api) -> None:
    page = await api.create()
    dated = Api(api.session, api.url, prefix="/cms/pages/2026-03")
    r = await dated.call("GET", f"site-pages/{page['id']}")
    assert r.status == 200
    assert r.body["id"] == page["id"]
    r = await dated.call("POST", "landing-pages/folders", json={"name": "F"})
    assert r.status == 201
    assert "/cms/pages/2026-03/landing-pages/folders/" in r.headers["Location"]


async def test_folders_crud_and_revisions(api: Api) -> None:
    r = await api.call("POST", "landing-pages/folders", json={"name": "A", "parentFolderId": 0})
    assert r.status == 201
    folder = r.body
    assert folder["deletedAt"] == "1970-01-01T00:00:00Z"
    fid = folder["id"]
    r = await api.call("PATCH", f"landing-pages/folders/{fid}", json={"name": "B"})
    assert r.body["name"] == "B"
    revs = await api.call("GET", f"landing-pages/folders/{fid}/revisions")
    assert revs.body["total"] == 2
    oldest = revs.body["results"][-1]["id"]
    assert (await api.call("GET", f"landing-pages/folders/{fid}/revisions/{oldest}")).status == 200
    r = await api.call("POST", f"landing-pages/folders/{fid}/revisions/{oldest}/restore")
    assert r.body["name"] == "A"
    assert (await api.call("DELETE", f"landing-pages/folders/{fid}")).status == 204
    r = await api.call("GET", "landing-pages/folders", params={"archived": "true"})
    assert [f["id"] for f in r.body["results"]] == [fid]
    error_ok(await api.call("POST", "landing-pages/folders", json={}), 400, "VALIDATION_ERROR")


async def test_unknown_route_is_a_json_404(api: Api) -> None:
    error_ok(await api.call("GET", "blog-posts"), 404, "OBJECT_NOT_FOUND")


async def test_update_into_a_taken_url_is_a_conflict(api: Api, emu: Emulator) -> None:
    await api.create(slug="one")
    two = await api.create(slug="two")
    r = await api.call("PATCH", f"site-pages/{two['id']}", json={"slug": "one"})
    error_ok(r, 409, "CONFLICT")
    r = await api.call(
        "POST", "site-pages/batch/update", json={"inputs": [{"id": two["id"], "slug": "one"}]}
    )
    assert r.status == 207
    assert r.body["errors"][0]["category"] == "CONFLICT"
    assert r.body["errors"][0]["context"]["id"] == [two["id"]]
    r = await api.call("PATCH", f"site-pages/{two['id']}", json={"slug": "three"})
    assert r.body["url"].endswith("/three")
    await api.create(slug="two")  # the old URL is free again
    assert [v.object.slug for v in emu.store.revisions("site-pages", two["id"]) if v.object] == [
        "two",
        "three",
    ]
    assert emu.store.draft("site-pages", two["id"]) is not None
    assert emu.store.page("site-pages", "404") is None
