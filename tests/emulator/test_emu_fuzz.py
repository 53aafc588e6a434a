"""Nothing a client sends makes the emulator answer 500 (unless a fault asked for one).

A hypothesis fuzz of request bodies and query strings across every operation, plus the
three requests aiohttp itself used to refuse in plain text (a deeply nested JSON body, a
body over the size limit, a URL over 8,190 bytes): each gets HubSpot's JSON error body.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.handlers import folder_handlers, page_handlers

_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_KINDS = ("site-pages", "landing-pages")
_FIELDS = (
    "name",
    "templatePath",
    "slug",
    "state",
    "inputs",
    "id",
    "language",
    "primaryId",
    "publishDate",
    "widgets",
    "layoutSections",
    "abTestId",
    "contentId",
    "languages",
    "folderId",
    "parentFolderId",
    "translatedFromId",
    "domain",
    "winnerId",
)
_PARAMS = (
    "limit",
    "after",
    "before",
    "offset",
    "sort",
    "archived",
    "property",
    "createdAt",
    "createdAfter",
    "updatedBefore",
    "name__eq",
    "slug__in",
    "state__ne",
    "publishDate__lt",
    "language__in",
    "folderId__is_null",
    "id__nin",
    "name__icontains",
    "abStatus__eq",
    "createdAt__gte",
    "bogus",
    "x__y",
)

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(_FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)


def _cursor(value: Any) -> str:
    raw = msgspec.json.encode(value)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_param_values = (
    st.text(max_size=30)
    | st.integers(-5, 10**20).map(str)
    | st.sampled_from(["true", "false", "-name", "updatedAt", "createdAt", "-updatedAt", "name"])
    | _json.map(_cursor)
    | st.tuples(st.sampled_from(["created", "name", "-updated"]), _json, _json).map(
        lambda t: _cursor(list(t))
    )
)
_query = st.lists(
    st.tuples(st.sampled_from(_PARAMS) | st.text(min_size=1, max_size=12), _param_values),
    max_size=5,
)
_bodies = (
    _json.map(msgspec.json.encode)
    | st.binary(max_size=60)
    | st.integers(2, 4000).map(lambda n: b'{"inputs":' + b"[" * n + b"]" * n + b"}")
    | st.integers(2, 4000).map(lambda n: b'{"widgets":' + b'{"a":' * n + b"1" + b"}" * n + b"}")
    | st.lists(_json, max_size=3).map(lambda xs: msgspec.json.encode({"inputs": xs}))
)
_PAGE = {"name": "p", "templatePath": "t.html", "slug": "fuzz-seed"}
_routes = [(m, "/" + k + s) for k in _KINDS for m, s, *_ in page_handlers] + [
    (m, "/landing-pages/folders" + s) for m, s, *_ in folder_handlers
]


@pytest.fixture
async def fuzz_target() -> AsyncIterator[tuple[Emulator, aiohttp.ClientSession, list[str]]]:
    async with (
        Emulator(rate_limit=None, daily_limit=None, seed_pages=3) as emu,
        aiohttp.ClientSession() as session,
    ):
        ids = [str(p.id) for p in emu.store.pages("site-pages")]
        yield emu, session, ids


def _assert_not_500(status: int, ctype: str, raw: bytes, what: str) -> None:
    assert status != 500, f"{what}: {raw[:300]!r}"
    if status >= 400:
        assert ctype.startswith("application/json"), f"{what}: {status} {ctype} {raw[:200]!r}"
        body = msgspec.json.decode(raw)
        assert body["status"] == "error"
        assert body["category"]
        assert body["correlationId"]


@_SETTINGS
@given(
    route=st.sampled_from(_routes),
    object_id=st.sampled_from(["known", "0", "abc", "-1", "9" * 40, "%00"]),
    query=_query,
    body=_bodies,
)
# The two the fuzz found before they were fixed (a RecursionError and a TypeError -> 500).
@example(
    ("POST", "/site-pages"), "known", [], b'{"widgets":' + b'{"a":' * 3000 + b"1}" + b"}" * 3000
)
@example(
    ("GET", "/site-pages"), "known", [("sort", "name"), ("after", "WyJuYW1lIixbWzEsNV1dLDFd")], b""
)
async def test_no_request_gets_a_500(
    fuzz_target: tuple[Emulator, aiohttp.ClientSession, list[str]],
    route: tuple[str, str],
    object_id: str,
    query: list[tuple[str, str]],
    body: bytes,
) -> None:
    emu, session, ids = fuzz_target
    method, path = route
    oid = ids[0] if object_id == "known" else object_id
    path = path.replace("{objectId}", oid).replace("{revisionId}", "1000000")
    url = f"{emu.url}/cms/v3/pages{path}"
    headers = {"Authorization": "Bearer fuzz", "Content-Type": "application/json"}
    async with session.request(method, url, params=query, data=body, headers=headers) as r:
        raw = await r.read()
        _assert_not_500(r.status, r.headers.get("Content-Type", ""), raw, f"{method} {path}")


async def test_deeply_nested_json_is_a_400() -> None:
    # Deeper than any supported interpreter decodes (3.13 manages some 10,000 levels).
    levels = 100_000
    deep = (
        b'{"name":"x","templatePath":"t","widgets":'
        + b'{"a":' * levels
        + b"1"
        + b"}" * (levels + 1)
    )
    async with (
        Emulator(rate_limit=None) as emu,
        aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as s,
    ):
        for path, data in (
            ("/cms/v3/pages/site-pages", deep),
            (
                "/cms/v3/pages/site-pages/batch/update",
                b'{"inputs":[' + b'{"a":' * levels + b"1" + b"}" * levels + b"]}",
            ),
        ):
            async with s.post(emu.url + path, data=data) as r:
                body = msgspec.json.decode(await r.read())
                assert r.status == 400, body
                assert body["category"] == "VALIDATION_ERROR"
                assert "nested" in body["message"]
        seed = await (await s.post(emu.url + "/cms/v3/pages/site-pages", json=_PAGE)).read()
        assert seed
        deep_cursor = base64.urlsafe_b64encode(b"[" * 2000 + b"]" * 2000).decode()
        for params in (
            {"after": deep_cursor},
            # A hand-made cursor whose sort key is a number where names are text.
            {"sort": "name", "after": _cursor(["name", [[1, 5]], 1])},
        ):
            async with s.get(emu.url + "/cms/v3/pages/site-pages", params=params) as r:
                assert r.status == 400, await r.read()
                assert msgspec.json.decode(await r.read())["category"] == "VALIDATION_ERROR"


async def test_oversize_body_is_a_json_413() -> None:
    async with (
        Emulator(rate_limit=None, max_body=64 * 1024) as emu,
        aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as s,
    ):
        big = b'{"inputs":["' + b"1" * (65 * 1024) + b'"]}'
        async with s.post(emu.url + "/cms/v3/pages/site-pages/batch/read", data=big) as r:
            assert r.status == 413
            assert r.headers["Content-Type"].startswith("application/json")
            body = msgspec.json.decode(await r.read())
            assert body["status"] == "error"
            assert body["category"] == "VALIDATION_ERROR"
            assert "65536" in body["message"]
        # The limit is on the body only: a body just under it is served.
        ok = b'{"inputs":["' + b"1" * (60 * 1024) + b'"]}'
        async with s.post(emu.url + "/cms/v3/pages/site-pages/batch/read", data=ok) as r:
            assert r.status == 207


async def test_overlong_url_is_a_json_414() -> None:
    async with (
        Emulator(rate_limit=None) as emu,
        aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as s,
    ):
        long_query = {"name__in": ",".join(f"page-{i}" for i in range(1200))}
        async with s.get(emu.url + "/cms/v3/pages/site-pages", params=long_query) as r:
            assert r.status == 414
            assert r.headers["Content-Type"].startswith("application/json")
            body = msgspec.json.decode(await r.read())
            assert body["status"] == "error"
            assert body["category"] == "VALIDATION_ERROR"
            assert "8190" in body["message"]
        async with s.get(emu.url + "/cms/v3/pages/site-pages", params={"limit": "1"}) as r:
            assert r.status == 200  # the same connection pool still works
