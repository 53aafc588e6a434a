"""One pass over all 66 documented operations, validating every answer against the spec."""

from __future__ import annotations

from typing import Any

import aiohttp
import msgspec

from ._contract_support import Seen

H = {"Authorization": "Bearer contract-token", "Content-Type": "application/json"}


class Caller:
    """Sends a request for a spec operation and validates the answer."""

    def __init__(self, session: aiohttp.ClientSession, url: str, prefix: str, seen: Seen) -> None:
        self.session = session
        self.url = url
        self.prefix = prefix
        self.seen = seen

    async def __call__(
        self,
        method: str,
        spec_path: str,
        expect: int,
        *,
        json: Any = None,
        params: Any = None,
        **path_params: str,
    ) -> Any:
        full = self.prefix + spec_path
        url = self.url + full.format(**path_params)
        data = msgspec.json.encode(json) if json is not None else None
        async with self.session.request(method, url, data=data, params=params, headers=H) as r:
            raw = await r.read()
            status = r.status
        body = msgspec.json.decode(raw) if raw else None
        assert status == expect, (method, url, status, body)
        self.seen.check(method, full, status, body)
        return body


def _page(slug: str, **extra: Any) -> dict[str, Any]:
    return {"name": slug, "templatePath": "t/page.html", "slug": slug, **extra}


async def exercise_pages(op: Caller, kind: str) -> None:
    """The 27 page operations of one kind (site-pages or landing-pages), errors included."""
    k = f"/{kind}"
    page = await op(
        "POST", k, 201, json=_page(f"{kind}-a", language="en", state="PUBLISHED_OR_SCHEDULED")
    )
    pid = page["id"]
    await op("GET", k, 200, params={"limit": "2"})
    await op("GET", k + "/{objectId}", 200, objectId=pid)
    await op("GET", k + "/{objectId}", 404, objectId="1")
    await op("PATCH", k + "/{objectId}", 200, objectId=pid, json={"htmlTitle": "T"})
    await op("PATCH", k + "/{objectId}", 400, objectId=pid, json={"nope": 1})
    await op("GET", k + "/{objectId}/draft", 200, objectId=pid)
    await op("PATCH", k + "/{objectId}/draft", 200, objectId=pid, json={"name": "draft"})
    await op("POST", k + "/{objectId}/draft/push-live", 204, objectId=pid)
    await op("POST", k + "/{objectId}/draft/reset", 204, objectId=pid)
    await op("POST", k + "/schedule", 204, json={"id": pid, "publishDate": "2030-01-01T00:00:00Z"})
    revs = await op("GET", k + "/{objectId}/revisions", 200, objectId=pid, params={"limit": "2"})
    rid = revs["results"][-1]["id"]
    await op("GET", k + "/{objectId}/revisions/{revisionId}", 200, objectId=pid, revisionId=rid)
    await op(
        "POST", k + "/{objectId}/revisions/{revisionId}/restore", 200, objectId=pid, revisionId=rid
    )
    await op(
        "POST",
        k + "/{objectId}/revisions/{revisionId}/restore-to-draft",
        200,
        objectId=pid,
        revisionId=rid,
    )
    clone = await op("POST", k + "/clone", 200, json={"id": pid, "cloneName": "copy"})
    variant = await op(
        "POST", k + "/ab-test/create-variation", 201, json={"contentId": pid, "variationName": "B"}
    )
    test_id = variant["abTestId"]
    await op("POST", k + "/ab-test/end", 204, json={"abTestId": test_id, "winnerId": pid})
    await op(
        "POST", k + "/ab-test/rerun", 204, json={"abTestId": test_id, "variationId": variant["id"]}
    )
    de = await op(
        "POST",
        k + "/multi-language/create-language-variation",
        200,
        json={"id": pid, "language": "de"},
    )
    await op(
        "POST",
        k + "/multi-language/attach-to-lang-group",
        200,
        json={"id": clone["id"], "language": "fr", "primaryId": pid},
    )
    await op(
        "POST",
        k + "/multi-language/update-languages",
        200,
        json={"primaryId": pid, "languages": {de["id"]: "de-at"}},
    )
    await op("PUT", k + "/multi-language/set-new-lang-primary", 204, json={"id": de["id"]})
    await op("POST", k + "/multi-language/detach-from-lang-group", 200, json={"id": clone["id"]})
    got = await op("GET", k + "/{objectId}", 200, objectId=pid)
    assert got["translations"], "the group's translations map is part of what is validated"
    created = await op(
        "POST",
        k + "/batch/create",
        201,
        json={"inputs": [_page(f"{kind}-b1"), _page(f"{kind}-b2")]},
    )
    await op(
        "POST",
        k + "/batch/create",
        207,
        json={"inputs": [_page(f"{kind}-b1"), _page(f"{kind}-b3")]},
    )
    ids = [p["id"] for p in created["results"]]
    await op("POST", k + "/batch/read", 200, json={"inputs": ids})
    await op("POST", k + "/batch/read", 207, json={"inputs": [*ids, "404"]})
    await op("POST", k + "/batch/update", 200, json={"inputs": [{"id": ids[0], "name": "x"}]})
    await op("POST", k + "/batch/update", 207, json={"inputs": [{"id": "404", "name": "x"}]})
    await op("POST", k + "/batch/archive", 204, json={"inputs": ids})
    await op("DELETE", k + "/{objectId}", 204, objectId=pid)
    await op("GET", k, 200, params={"archived": "true"})
    await op("GET", k, 400, params={"color__eq": "x"})


async def exercise_folders(op: Caller) -> None:
    """The 12 landing-page folder operations."""
    f = "/landing-pages/folders"
    folder = await op("POST", f, 201, json={"name": "F", "parentFolderId": 0})
    fid = folder["id"]
    await op("GET", f, 200)
    await op("GET", f + "/{objectId}", 200, objectId=fid)
    await op("PATCH", f + "/{objectId}", 200, objectId=fid, json={"name": "G"})
    revs = await op("GET", f + "/{objectId}/revisions", 200, objectId=fid)
    rid = revs["results"][-1]["id"]
    await op("GET", f + "/{objectId}/revisions/{revisionId}", 200, objectId=fid, revisionId=rid)
    await op(
        "POST", f + "/{objectId}/revisions/{revisionId}/restore", 200, objectId=fid, revisionId=rid
    )
    created = await op(
        "POST", f + "/batch/create", 201, json={"inputs": [{"name": "a"}, {"name": "b"}]}
    )
    ids = [x["id"] for x in created["results"]]
    await op("POST", f + "/batch/create", 207, json={"inputs": [{"name": "c"}, {}]})
    await op("POST", f + "/batch/read", 200, json={"inputs": ids})
    await op("POST", f + "/batch/read", 207, json={"inputs": ["404"]})
    await op("POST", f + "/batch/update", 200, json={"inputs": [{"id": ids[0], "name": "A"}]})
    await op("POST", f + "/batch/archive", 204, json={"inputs": ids})
    await op("DELETE", f + "/{objectId}", 204, objectId=fid)
    await op("GET", f + "/{objectId}", 404, objectId=fid)


async def exercise_all(op: Caller) -> None:
    """Every documented operation at least once."""
    await exercise_folders(op)
    for kind in ("site-pages", "landing-pages"):
        await exercise_pages(op, kind)
