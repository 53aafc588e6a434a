"""Batch creates answer byte for byte what they answered before they were made cheaper.

``golden_batch_create.json`` holds the SHA-256 of every answer below, captured from the
emulator before the batch-create work was optimised (regenerate only for an intended
change of answers, with ``python tests/emulator/test_emu_create_golden.py``).
Inputs are fixed (seeded realistic pages plus edge cases: nulls, naive dates, leading
slashes, duplicate URLs, invalid inputs) and the wall clock is frozen, so the bytes are
reproducible.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import msgspec

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.seed import realistic_page

GOLDEN = Path(__file__).with_name("golden_batch_create.json")
_FROZEN = 1_780_000_000.123


def _edge_cases(rng: random.Random) -> list[Any]:
    """Inputs exercising every branch of create: each a JSON object."""
    out: list[Any] = []
    for i in range(100):
        page = msgspec.to_builtins(realistic_page(10_000 + i, rng, kind="landing-pages"))
        roll = i % 10
        if roll == 0:
            page["htmlTitle"] = None  # null: cleared, not defaulted
            page["widgets"] = None
        elif roll == 1:
            page["publishDate"] = datetime(2030, 5, 1, 12, 0).isoformat()  # naive: UTC
        elif roll == 2:
            page["slug"] = "/leading/slash-" + str(i)
        elif roll == 3:
            page.pop("state", None)  # defaults to DRAFT
            page.pop("domain", None)
        elif roll == 4:
            page["slug"] = "dup/slug"  # the second of these is a 409 in the 207
        elif roll == 5:
            page["templatePath"] = "/bad/leading.html"  # a 400 in the 207
        elif roll == 6:
            page["id"] = "123"  # server-owned fields are ignored
            page["url"] = "https://nope"
            page["translatedFromId"] = "5"
        elif roll == 7:
            page["state"] = "PUBLISHED_OR_SCHEDULED"
            page.pop("publishDate", None)  # published now
        elif roll == 8:
            page.pop("name")  # REQUIRED
        elif i % 20 == 9:
            page.update(state=None, authorName=None, domain=None, slug=None)  # defaults kept
        else:
            page.update(language=None, createdAt="2020-01-01T00:00:00", published=True)
        out.append(page)
    return out


def _bodies() -> list[tuple[str, bytes]]:
    rng = random.Random(1234)
    site = [realistic_page(i, rng) for i in range(100)]
    landing = [realistic_page(100 + i, rng, kind="landing-pages") for i in range(100)]
    return [
        ("site-pages", msgspec.json.encode({"inputs": site})),
        ("landing-pages", msgspec.json.encode({"inputs": landing})),
        ("landing-pages", msgspec.json.encode({"inputs": _edge_cases(rng)})),
        ("site-pages", msgspec.json.encode({"inputs": site[:3]})),  # all 409s: URLs taken
    ]


async def capture() -> list[str]:
    """SHA-256 of each batch answer, then of the listings that read the created pages."""
    digests: list[str] = []
    async with (
        Emulator(rate_limit=None, daily_limit=None, wall_clock=lambda: _FROZEN) as emu,
        aiohttp.ClientSession(headers={"Authorization": "Bearer golden"}) as s,
    ):
        base = emu.url + "/cms/v3/pages/"
        for kind, body in _bodies():
            async with s.post(base + kind + "/batch/create", data=body) as r:
                digests.append(f"{r.status} {hashlib.sha256(await r.read()).hexdigest()}")
        for kind in ("site-pages", "landing-pages"):
            async with s.get(base + kind, params={"limit": "100", "sort": "name"}) as r:
                # Up to the paging cursor (its link names the emulator's port): the
                # stored pages as later reads see them.
                raw = (await r.read()).split(b',"paging"')[0]
                digests.append(f"{r.status} {hashlib.sha256(raw).hexdigest()}")
    return digests


async def test_batch_create_answers_are_unchanged() -> None:
    assert await capture() == msgspec.json.decode(GOLDEN.read_bytes())


if __name__ == "__main__":  # pragma: no cover - regenerates the golden file
    GOLDEN.write_bytes(msgspec.json.format(msgspec.json.encode(asyncio.run(capture()))) + b"\n")
    sys.stdout.write(f"wrote {GOLDEN}\n")
