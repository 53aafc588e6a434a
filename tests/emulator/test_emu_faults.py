"""Injected faults: parsing, determinism under a seed, and what each kind does."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from hubpages_async.emulator import parse_faults
from hubpages_async.emulator.faults import FaultPicker

from ._emu_support import Api


def test_parse_faults() -> None:
    plan = parse_faults("500=0.05, drop=0.02,paths=/batch/(create|update)")
    assert plan is not None
    assert plan.rates == (("500", 0.05), ("drop", 0.02))
    assert plan.applies_to("/cms/v3/pages/site-pages/batch/create")
    assert not plan.applies_to("/cms/v3/pages/site-pages")
    assert parse_faults(None) is None
    assert parse_faults("none") is None
    with pytest.raises(ValueError, match="KIND"):
        parse_faults("418=0.5")
    with pytest.raises(ValueError, match="within"):
        parse_faults("500=2")
    with pytest.raises(ValueError, match="more than 1"):
        parse_faults("500=0.6,503=0.6")


def _draws(seed: int, n: int) -> list[str | None]:
    picker = FaultPicker(parse_faults("500=0.2,503=0.2,drop=0.1"), seed)
    return [picker.pick("GET", "/p", f"/p?i={i % 7}", b"")[0] for i in range(n)]


def test_faults_are_deterministic_under_a_seed() -> None:
    assert _draws(1, 200) == _draws(1, 200)
    assert _draws(1, 200) != _draws(2, 200)
    kinds = _draws(1, 2000)
    share = {k: kinds.count(k) / len(kinds) for k in ("500", "503", "drop", None)}
    assert 0.15 < share["500"] < 0.25
    assert 0.05 < share["drop"] < 0.15
    assert 0.4 < share[None] < 0.6


def test_a_retry_gets_a_fresh_draw_independent_of_other_requests() -> None:
    a = FaultPicker(parse_faults("500=0.5"), 9)
    b = FaultPicker(parse_faults("500=0.5"), 9)
    first = [a.pick("POST", "/x", "/x", b"body")[0] for _ in range(20)]
    # Interleaving unrelated requests does not change the draws of this request.
    second = []
    for i in range(20):
        b.pick("GET", "/other", f"/other?{i}", b"")
        second.append(b.pick("POST", "/x", "/x", b"body")[0])
    assert first == second
    assert len(set(first)) == 2


_PAGE = {"name": "F", "templatePath": "t.html", "slug": "f"}


async def _create(api: Api) -> int | str:
    try:
        r = await api.call("POST", "site-pages", json=_PAGE)
    except aiohttp.ClientPayloadError:
        return "truncated"
    except aiohttp.ServerDisconnectedError:
        return "disconnected"
    return r.status


@pytest.mark.parametrize(
    ("kind", "outcome", "applied"),
    [
        ("500", 500, False),
        ("502", 502, False),
        ("503", 503, False),
        ("504", 504, False),
        ("423", 423, False),
        ("429", 429, False),
        ("reset", "disconnected", False),
        ("drop", "disconnected", True),
        ("truncate", "truncated", True),
        ("slow", 201, True),
    ],
)
async def test_each_fault_kind(make_api: Any, kind: str, outcome: int | str, applied: bool) -> None:
    api = await make_api(rate_limit=None, faults=f"{kind}=1.0")
    assert await _create(api) == outcome
    assert (len(api.emulator.store.pages()) == 1) is applied
    assert api.emulator.request_log[-1].fault == kind


async def test_error_fault_bodies(make_api: Any) -> None:
    api = await make_api(rate_limit=None, faults="429=1.0")
    r = await api.call("GET", "site-pages")
    assert r.body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert r.body["errorType"] == "RATE_LIMIT"
    api.emulator.faults = "503=1.0"
    r = await api.call("GET", "site-pages")
    assert r.status == 503
    assert r.body["status"] == "error"


async def test_faults_follow_the_path_filter_and_can_be_changed(make_api: Any) -> None:
    api = await make_api(rate_limit=None, faults="500=1.0,paths=/batch/")
    assert (await api.call("GET", "site-pages")).status == 200
    r = await api.call("POST", "site-pages/batch/read", json={"inputs": []})
    assert r.status == 500
    api.emulator.faults = None
    assert (await api.call("POST", "site-pages/batch/read", json={"inputs": []})).status == 200


async def test_same_seed_same_story_over_http(make_api: Any) -> None:
    stories = []
    for _ in range(2):
        api = await make_api(rate_limit=None, faults="500=0.3,503=0.3", fault_seed=42)
        stories.append(
            [
                (await api.call("GET", "site-pages", params={"limit": str(i % 4 + 1)})).status
                for i in range(30)
            ]
        )
    assert stories[0] == stories[1]
    assert {200, 500, 503} <= set(stories[0])


async def test_latency_is_applied(make_api: Any) -> None:
    api = await make_api(rate_limit=None, latency=0.01, jitter=0.01)
    assert (await api.call("GET", "site-pages")).status == 200


async def test_injected_429_carries_rate_headers(make_api: Any) -> None:
    api = await make_api(rate_limit=None, faults="429=1.0")
    r = await api.call("GET", "site-pages")
    assert r.status == 429
    assert r.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert r.headers["X-HubSpot-RateLimit-Remaining"] == "0"
