"""Batches: 201/200/207/204, the 207 error context, the size cap, async mode."""

from __future__ import annotations

from typing import Any

from hubpages_async.emulator import Emulator

from ._emu_support import Api, error_ok


def _page(slug: str, **extra: Any) -> dict[str, Any]:
    return {"name": slug.title(), "templatePath": "t/p.html", "slug": slug, **extra}


async def test_batch_create_all_ok_in_input_order(api: Api) -> None:
    r = await api.call(
        "POST", "site-pages/batch/create", json={"inputs": [_page(f"b{i}") for i in range(5)]}
    )
    assert r.status == 201
    assert r.body["status"] == "COMPLETE"
    assert [p["slug"] for p in r.body["results"]] == [f"b{i}" for i in range(5)]
    assert r.body["startedAt"] <= r.body["completedAt"]
    assert "numErrors" not in r.body


async def test_batch_create_partial_failure_is_207_naming_inputs(api: Api, emu: Emulator) -> None:
    await api.create(slug="taken")
    inputs = [_page("ok1"), _page("taken"), {"name": "no template", "slug": "nt"}, _page("ok2")]
    r = await api.call("POST", "site-pages/batch/create", json={"inputs": inputs})
    assert r.status == 207
    assert r.body["numErrors"] == 2
    assert [p["slug"] for p in r.body["results"]] == ["ok1", "ok2"]
    by_index = {e["context"]["index"][0]: e for e in r.body["errors"]}
    assert by_index["1"]["category"] == "CONFLICT"
    assert by_index["1"]["context"]["slug"] == ["taken"]
    assert by_index["2"]["category"] == "VALIDATION_ERROR"
    assert by_index["2"]["context"]["slug"] == ["nt"]
    for err in r.body["errors"]:
        assert err["status"] == "error"
        assert err["message"]
    assert len(emu.store.pages("site-pages")) == 3


async def test_batch_read_update_archive(api: Api) -> None:
    a, b = await api.create(name="a"), await api.create(name="b")
    r = await api.call("POST", "site-pages/batch/read", json={"inputs": [a["id"], "404", b["id"]]})
    assert r.status == 207
    assert [p["id"] for p in r.body["results"]] == [a["id"], b["id"]]
    assert r.body["errors"][0]["context"]["id"] == ["404"]
    assert r.body["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    r = await api.call("POST", "site-pages/batch/read", json={"inputs": [a["id"]]})
    assert r.status == 200
    r = await api.call(
        "POST",
        "site-pages/batch/update",
        json={
            "inputs": [
                {"id": a["id"], "name": "A2"},
                {"id": "404", "name": "x"},
                {"name": "no id"},
                {"id": b["id"], "bogus": 1},
            ]
        },
    )
    assert r.status == 207
    assert [p["name"] for p in r.body["results"]] == ["A2"]
    contexts = [e["context"] for e in r.body["errors"]]
    assert {"id": ["404"]} in [{"id": c["id"]} for c in contexts if "id" in c]
    assert any(c.get("index") == ["2"] for c in contexts)
    assert any(
        c.get("id") == [b["id"]] and "bogus" in str(e)
        for c, e in zip(contexts, r.body["errors"], strict=True)
    )
    r = await api.call(
        "POST", "site-pages/batch/update", json={"inputs": [{"id": b["id"], "name": "B2"}]}
    )
    assert r.status == 200
    r = await api.call("POST", "site-pages/batch/archive", json={"inputs": [a["id"], "404"]})
    assert r.status == 204
    assert (await api.call("GET", "site-pages")).body["total"] == 1
    r = await api.call(
        "POST", "site-pages/batch/read", params={"archived": "true"}, json={"inputs": [a["id"]]}
    )
    assert r.status == 200


async def test_batch_size_cap(make_api: Any) -> None:
    api = await make_api(rate_limit=None, max_batch=3)
    r = await api.call(
        "POST", "site-pages/batch/create", json={"inputs": [_page(f"s{i}") for i in range(4)]}
    )
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "3" in r.body["message"]
    r = await api.call("POST", "site-pages/batch/read", json={"inputs": ["1", "2", "3", "4"]})
    error_ok(r, 400, "VALIDATION_ERROR")
    assert api.emulator is not None
    assert api.emulator.store.pages() == []


async def test_batch_bodies_are_strict(api: Api) -> None:
    r = await api.call(
        "POST", "site-pages/batch/create", json={"inputs": [{**_page("x"), "nope": 1}]}
    )
    error_ok(r, 400, "VALIDATION_ERROR")
    assert "nope" in r.body["message"]
    error_ok(
        await api.call("POST", "site-pages/batch/read", json={"ids": []}), 400, "VALIDATION_ERROR"
    )


async def test_folder_batches(api: Api) -> None:
    r = await api.call(
        "POST",
        "landing-pages/folders/batch/create",
        json={"inputs": [{"name": "a"}, {"name": "b"}, {}]},
    )
    assert r.status == 207
    assert [f["name"] for f in r.body["results"]] == ["a", "b"]
    assert r.body["errors"][0]["context"]["index"] == ["2"]
    ids = [f["id"] for f in r.body["results"]]
    r = await api.call("POST", "landing-pages/folders/batch/read", json={"inputs": ids})
    assert r.status == 200
    r = await api.call(
        "POST", "landing-pages/folders/batch/update", json={"inputs": [{"id": ids[0], "name": "A"}]}
    )
    assert r.status == 200
    assert r.body["results"][0]["name"] == "A"
    assert (
        await api.call("POST", "landing-pages/folders/batch/archive", json={"inputs": ids})
    ).status == 204


async def _poll(api: Api, url: str) -> list[tuple[int, dict[str, Any]]]:
    seen = []
    for _ in range(10):
        r = await api.call("GET", url)
        seen.append((r.status, r.body))
        if r.body["status"] in ("COMPLETE", "CANCELED"):
            return seen
    raise AssertionError("batch never finished")


async def test_async_batches_pending_processing_complete(make_api: Any) -> None:
    api = await make_api(rate_limit=None, async_batches=True)
    await api.create(slug="taken")
    r = await api.call(
        "POST",
        "site-pages/batch/create",
        json={"inputs": [_page("a1"), _page("taken"), _page("a2")]},
    )
    assert r.status == 201
    assert r.body["status"] == "PENDING"
    assert r.body["results"] == []
    link = r.body["links"]["status"]
    assert link.startswith(api.url + "/")
    # The work was applied at submission: a lost answer still committed the pages.
    assert {p.slug for p in api.emulator.store.pages()} == {"taken", "a1", "a2"}
    seen = await _poll(api, link)
    assert [body["status"] for _, body in seen] == ["PROCESSING", "COMPLETE"]
    status, final = seen[-1]
    assert status == 207
    assert final["numErrors"] == 1
    assert [p["slug"] for p in final["results"]] == ["a1", "a2"]
    assert (await api.call("GET", link)).status == 207  # later polls repeat the outcome


async def test_async_batch_read_all_ok_and_unknown_job(make_api: Any) -> None:
    api = await make_api(rate_limit=None, async_batches=True)
    page = await api.create()
    r = await api.call("POST", "site-pages/batch/read", json={"inputs": [page["id"]]})
    assert r.status == 200
    assert r.body["status"] == "PENDING"
    seen = await _poll(api, r.body["links"]["status"])
    assert seen[-1][0] == 200
    assert seen[-1][1]["results"][0]["id"] == page["id"]
    error_ok(await api.call("GET", f"{api.url}/emulator/batches/999"), 404, "OBJECT_NOT_FOUND")


async def test_async_batch_canceled_applies_only_a_prefix(make_api: Any) -> None:
    api = await make_api(rate_limit=None, async_batches=True, faults="cancel=1.0", fault_seed=3)
    inputs = [_page(f"c{i}") for i in range(10)]
    r = await api.call("POST", "site-pages/batch/create", json={"inputs": inputs})
    assert r.body["status"] == "PENDING"
    seen = await _poll(api, r.body["links"]["status"])
    status, final = seen[-1]
    assert final["status"] == "CANCELED"
    assert status == 200
    applied = [p["slug"] for p in final["results"]]
    assert applied == [f"c{i}" for i in range(len(applied))]
    assert len(applied) < 10
    assert sorted(p.slug or "" for p in api.emulator.store.pages()) == sorted(applied)


async def test_sync_mode_ignores_cancel(make_api: Any) -> None:
    api = await make_api(rate_limit=None, faults="cancel=1.0")
    r = await api.call("POST", "site-pages/batch/create", json={"inputs": [_page("s1")]})
    assert r.status == 201
    assert r.body["status"] == "COMPLETE"
