"""Cursor walks under concurrent writes: for every documented sort, a walk meets each
page that existed throughout exactly once, and no page twice, while pages are renamed,
re-dated, created and deleted between its requests (random interleavings, hypothesis).
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubpages_async.emulator import Emulator

# The spec's sort fields (name, createdAt, updatedAt, createdBy, updatedBy), both
# directions, plus the guide's publishDate and the slug the emulator also sorts on.
SORTS = [
    "name",
    "-name",
    "createdAt",
    "-createdAt",
    "updatedAt",
    "-updatedAt",
    "createdBy",
    "-updatedBy",
    "publishDate",
    "-publishDate",
    "slug",
    "name,-updatedAt",
]
_NAMES = st.text(alphabet="abcAB", min_size=1, max_size=3)
_OPS = st.lists(
    st.tuples(st.sampled_from(["rename", "touch", "date", "create", "delete"]), _NAMES),
    min_size=1,
    max_size=4,
)


class _Portal:
    """Plain aiohttp calls against one emulator, tracking which pages exist."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.s = session
        self.base = f"{url}/cms/v3/pages/site-pages"
        self.slugs = itertools.count()

    async def call(self, method: str, path: str = "", **kw: Any) -> Any:
        async with self.s.request(method, self.base + path, **kw) as r:
            assert r.status < 300, (r.status, await r.read())
            return await r.json() if r.status != 204 else None

    async def create(self, name: str) -> str:
        body = {"name": name, "templatePath": "t.html", "slug": f"s-{next(self.slugs)}"}
        page = await self.call("POST", json=body)
        return str(page["id"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    sort=st.sampled_from(SORTS),
    names=st.lists(_NAMES, min_size=2, max_size=40),
    limit=st.integers(1, 9),
    writes=st.lists(_OPS, min_size=1, max_size=25),
    seed=st.integers(0, 2**16),
)
async def test_walk_meets_every_surviving_page_once(
    sort: str, names: list[str], limit: int, writes: list[list[tuple[str, str]]], seed: int
) -> None:
    clock = itertools.count(1_780_000_000.0, 0.0007)  # sub-ms ticks: ties happen
    rng = random.Random(seed)
    async with (
        Emulator(rate_limit=None, daily_limit=None, wall_clock=lambda: next(clock)) as emu,
        aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as session,
    ):
        portal = _Portal(session, emu.url)
        before = [await portal.create(name) for name in names]
        alive = set(before)
        deleted: set[str] = set()
        seen: list[str] = []
        params = {"sort": sort, "limit": str(limit)}
        rounds = iter(writes)
        for _ in range(len(names) * 3 + 10):  # bounded: a walk of n pages needs n requests
            page = await portal.call("GET", params=params)
            seen += [str(p["id"]) for p in page["results"]]
            nxt = page.get("paging", {}).get("next")
            if nxt is None:
                break
            params["after"] = nxt["after"]
            for op, name in next(rounds, []):
                target = rng.choice(sorted(alive)) if alive else None
                if op == "create":
                    alive.add(await portal.create(name))
                elif target is None:
                    continue
                elif op == "delete":
                    await portal.call("DELETE", f"/{target}")
                    alive.discard(target)
                    deleted.add(target)
                elif op == "rename":
                    await portal.call("PATCH", f"/{target}", json={"name": name})
                elif op == "touch":  # a new updatedAt, nothing else
                    await portal.call("PATCH", f"/{target}", json={"htmlTitle": name})
                else:
                    date = f"20{rng.randrange(10, 40)}-01-01T00:00:00Z"
                    await portal.call("PATCH", f"/{target}", json={"publishDate": date})
        else:
            raise AssertionError("the walk did not end")
        assert len(seen) == len(set(seen)), f"a page was met twice: {sorted(seen)}"
        survivors = set(before) - deleted
        assert survivors <= set(seen), f"skipped: {sorted(survivors - set(seen))}"
