"""Rate limits (rolling window, daily budget, headers, request log) and tokens/scopes/portals."""

from __future__ import annotations

from typing import Any

import pytest

from hubpages_async.emulator import parse_rate_limit, parse_token_spec, token_id
from hubpages_async.emulator.errors import ApiError
from hubpages_async.emulator.limits import RateLimit, RateLimiter

from ._emu_support import Api, error_ok


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_parse_rate_limit() -> None:
    assert parse_rate_limit("190/10s") == RateLimit(190, 10.0)
    assert parse_rate_limit("5/500ms") == RateLimit(5, 0.5)
    assert parse_rate_limit("none") is None
    with pytest.raises(ValueError, match="N/10s"):
        parse_rate_limit("fast")


def test_rolling_window_with_a_fake_clock() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(3, 10.0), None, clock=clock)
    for _ in range(3):
        limiter.admit("tok", 1)
        clock.now += 1.0
    with pytest.raises(ApiError) as info:
        limiter.admit("tok", 1)
    assert info.value.status == 429
    assert info.value.extra["policyName"] == "TEN_SECONDLY_ROLLING"
    limiter.admit("other-token", 1)  # the window is per token
    clock.now = 1010.0  # the first request (t=1000) leaves the rolling window
    _, headers = limiter.admit("tok", 1)
    assert headers["X-HubSpot-RateLimit-Remaining"] == "0"
    with pytest.raises(ApiError):
        limiter.admit("tok", 1)


def test_daily_budget_is_per_portal() -> None:
    limiter = RateLimiter(None, 2, clock=FakeClock(), wall_clock=lambda: 86400.0 * 5)
    limiter.admit("a", 1)
    _, headers = limiter.admit("b", 1)
    assert headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
    with pytest.raises(ApiError) as info:
        limiter.admit("c", 1)
    assert info.value.extra["policyName"] == "DAILY"
    limiter.admit("c", 2)


async def test_429_over_http_and_request_log(make_api: Any) -> None:
    clock = FakeClock()
    api = await make_api(rate_limit="3/10s", daily_limit=1000, clock=clock)
    statuses = []
    for _ in range(5):
        r = await api.call("GET", "site-pages")
        statuses.append(r.status)
        assert r.headers["X-HubSpot-RateLimit-Max"] == "3"
        assert r.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
        assert "X-HubSpot-RateLimit-Daily-Remaining" in r.headers
    assert statuses == [200, 200, 200, 429, 429]
    assert r.body["errorType"] == "RATE_LIMIT"
    assert r.body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert r.body["status"] == "error"
    assert r.body["correlationId"]
    assert r.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    log = api.emulator.request_log
    assert [rec.status for rec in log] == [200, 200, 200]  # refused requests are not logged
    assert all(rec.token_id == token_id("test-token") for rec in log)
    assert log[0].operation == "getPage"
    assert log[0].method == "GET"
    assert log[0].path == "/cms/v3/pages/site-pages"
    clock.now += 10.0
    assert (await api.call("GET", "site-pages")).status == 200
    # The record proves the window: never more than 3 accepted requests in any 10 s.
    times = [rec.time for rec in api.emulator.request_log]
    assert all(sum(1 for t in times if s <= t < s + 10.0) <= 3 for s in times)


async def test_daily_limit_over_http(make_api: Any) -> None:
    api = await make_api(rate_limit=None, daily_limit=2)
    assert (await api.call("GET", "site-pages")).status == 200
    r = await api.call("GET", "site-pages")
    assert r.headers["X-HubSpot-RateLimit-Daily"] == "2"
    assert r.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
    r = await api.call("GET", "site-pages")
    assert r.status == 429
    assert r.body["policyName"] == "DAILY"


def test_parse_token_spec() -> None:
    spec = parse_token_spec("abc@7:content,content.site_pages.read")
    assert spec.token == "abc"
    assert spec.portal == 7
    assert spec.scopes == frozenset({"content", "content.site_pages.read"})
    assert parse_token_spec("plain").portal == 1
    assert parse_token_spec("plain").scopes is None
    with pytest.raises(ValueError, match="portal"):
        parse_token_spec("x@abc")


async def test_missing_or_bad_token_is_401(api: Api, make_api: Any) -> None:
    r = await api.call("GET", "site-pages", token=False)
    error_ok(r, 401, "INVALID_AUTHENTICATION")
    strict = await make_api(tokens=["good"])
    r = await strict.call("GET", "site-pages", token="bad")
    error_ok(r, 401, "INVALID_AUTHENTICATION")
    assert (await strict.call("GET", "site-pages", token="good")).status == 200
    assert strict.emulator.request_log[-1].status == 200
    assert len(strict.emulator.request_log) == 1  # the 401 was not an accepted request


async def test_scopes_limit_operations(make_api: Any) -> None:
    api = await make_api(
        tokens=[
            "reader:content.site_pages.read",
            "writer:content",
            "lp:content.landing_pages.write",
        ]
    )
    r = await api.call("GET", "site-pages", token="reader")
    assert r.status == 200
    r = await api.call(
        "POST", "site-pages", token="reader", json={"name": "x", "templatePath": "t.html"}
    )
    error_ok(r, 403, "MISSING_SCOPES")
    assert r.body["errors"][0]["context"]["requiredGranularScopes"] == ["content"]
    error_ok(await api.call("GET", "landing-pages", token="reader"), 403, "MISSING_SCOPES")
    r = await api.call(
        "POST", "site-pages", token="writer", json={"name": "x", "templatePath": "t.html"}
    )
    assert r.status == 201
    r = await api.call("POST", "landing-pages/folders", token="lp", json={"name": "f"})
    assert r.status == 201
    # The site-page multi-language operations also accept content.site_pages.write.
    r = await api.call("GET", "site-pages", token="lp")
    error_ok(r, 403, "MISSING_SCOPES")


async def test_portals_are_separate(make_api: Any) -> None:
    api = await make_api(tokens=["a@1", "b@2"], async_batches=True)
    api.token = "a"
    await api.create(slug="same")
    r = await api.call(
        "POST",
        "site-pages",
        token="b",
        json={"name": "x", "templatePath": "t.html", "slug": "same"},
    )
    assert r.status == 201  # another portal: no conflict
    assert (await api.call("GET", "site-pages", token="a")).body["total"] == 1
    page_b = r.body["id"]
    error_ok(await api.call("GET", f"site-pages/{page_b}", token="a"), 404, "OBJECT_NOT_FOUND")
    assert len(api.emulator.store.pages(portal=2)) == 1
    r = await api.call("POST", "site-pages/batch/read", token="b", json={"inputs": [page_b]})
    link = r.body["links"]["status"]
    error_ok(await api.call("GET", link, token="a"), 404, "OBJECT_NOT_FOUND")
    assert (await api.call("GET", link, token="b")).status == 200
