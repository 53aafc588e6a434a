"""A tiny JSON caller for the emulator tests (plain aiohttp, no hubpages client)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import msgspec

from hubpages_async.emulator import Emulator

_slugs = itertools.count(1)


@dataclass
class Reply:
    """Status, decoded JSON body (None when empty) and headers of one answer."""

    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class Api:
    """Calls ``{url}{prefix}/{path}`` with a Bearer token and decodes the answer."""

    session: aiohttp.ClientSession
    url: str
    token: str | None = "test-token"
    prefix: str = "/cms/v3/pages"
    emulator: Emulator | None = None
    calls: list[str] = field(default_factory=list)

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | None = None,
        params: Any = None,
        token: str | bool | None = True,
    ) -> Reply:
        """One request; ``token=False`` sends no Authorization header."""
        headers = {}
        tok = self.token if token is True else token
        if tok:
            headers["Authorization"] = f"Bearer {tok}"
        if json is not None:
            data = msgspec.json.encode(json)
            headers["Content-Type"] = "application/json"
        url = path if path.startswith("http") else f"{self.url}{self.prefix}/{path.lstrip('/')}"
        self.calls.append(f"{method} {url}")
        async with self.session.request(
            method, url, data=data, params=params, headers=headers
        ) as r:
            raw = await r.read()
            body = msgspec.json.decode(raw) if raw else None
            return Reply(r.status, body, dict(r.headers))

    async def create(self, kind: str = "site-pages", **fields: Any) -> dict[str, Any]:
        """Create a page (name, templatePath and a unique slug by default); assert 201."""
        body = {"name": "Page", "templatePath": "tpl/page.html", "slug": f"p-{next(_slugs)}"}
        body.update(fields)
        r = await self.call("POST", kind, json=body)
        assert r.status == 201, r.body
        return r.body  # type: ignore[no-any-return]


def error_ok(r: Reply, status: int, category: str) -> None:
    """Assert an error answer has HubSpot's shape."""
    assert r.status == status, r.body
    assert r.body["status"] == "error"
    assert r.body["category"] == category
    assert r.body["message"]
    assert len(r.body["correlationId"]) == 36
    assert isinstance(r.body["errors"], list)
    assert isinstance(r.body["context"], dict)
