"""Hostile or broken servers stay bounded (issue 10): waits, body sizes, nesting, shapes.

Every answer comes over a real socket from ``_hostile.hostile_server``; the client's
rate limiter runs on the virtual clock, so a 27-hour pause would show up in
``fake_time.slept`` without costing any real time.
"""

from __future__ import annotations

import contextlib
import gzip
import tracemalloc
from typing import Any

import pytest
from aiohttp import web

from hubpages_async import HubPages, RateLimit, RetryPolicy, SlidingWindowLimiter, errors
from hubpages_async.models import Page

from ._hostile import hostile_server
from ._support import FAKE_TOKEN, FAST_RETRY, FakeTime

# What HubSpot always sends with a page: id, created, updated (``SavedPage``).
SAVED = b'"id": "1", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"'
PAGE = b"{" + SAVED + b', "name": "Home"}'


def _client(url: str, fake_time: FakeTime, **kwargs: Any) -> HubPages:
    limiter = SlidingWindowLimiter(
        RateLimit(requests=1000, per_seconds=10), clock=fake_time.clock, sleep=fake_time.sleep
    )
    kwargs.setdefault("retry", FAST_RETRY)
    return HubPages(FAKE_TOKEN, base_url=url, limiter=limiter, **kwargs)


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "99999"},
        {"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"},
        {"Retry-After": "inf"},
        {"Retry-After": "1e400"},
        {"X-HubSpot-RateLimit-Interval-Milliseconds": "99999999999"},
    ],
    ids=["seconds", "http-date-2099", "inf", "1e400", "interval"],
)
async def test_a_429_asking_for_too_long_fails_typed_and_never_pauses_the_client(
    headers: dict[str, str], fake_time: FakeTime
) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.path.endswith("/999"):
            return web.Response(status=429, headers=headers, text='{"policyName": "SECONDLY"}')
        return web.Response(body=PAGE, content_type="application/json")

    async with hostile_server(handler) as server, _client(server.url, fake_time) as hs:
        with pytest.raises(errors.RateLimitError) as info:
            await hs.site_pages.get("999")
        assert "120" in str(info.value)  # says the cap it ran into
        page = await hs.site_pages.get("1")  # the next call is not held back
    assert page.id == "1"
    assert max(fake_time.slept, default=0.0) <= 120.0
    assert server.seen.count(("GET", "/cms/v3/pages/site-pages/999")) == 1


async def test_a_429_within_the_cap_is_waited_out(fake_time: FakeTime) -> None:
    answers = [web.Response(status=429, headers={"Retry-After": "7"}, text="{}")]

    async def handler(request: web.Request) -> web.Response:
        if answers:
            return answers.pop()
        return web.Response(body=PAGE, content_type="application/json")

    async with hostile_server(handler) as server, _client(server.url, fake_time) as hs:
        page = await hs.site_pages.get("1")
    assert page.id == "1"
    assert any(6.9 <= s <= 7.1 for s in fake_time.slept), fake_time.slept


async def test_the_cap_is_the_retry_policys_max_retry_after(fake_time: FakeTime) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.path.endswith("/999"):
            return web.Response(status=429, headers={"Retry-After": "30"}, text="{}")
        return web.Response(body=PAGE, content_type="application/json")

    policy = RetryPolicy(max_attempts=3, base_delay=0.001, max_retry_after=10)
    async with (
        hostile_server(handler) as server,
        _client(server.url, fake_time, retry=policy) as hs,
    ):
        with pytest.raises(errors.RateLimitError, match="10s cap"):
            await hs.site_pages.get("999")
        await hs.site_pages.get("1")
    assert len(server.seen) == 2
    assert max(fake_time.slept, default=0.0) <= 10.0


async def test_remaining_zero_with_a_huge_interval_pauses_at_most_the_cap(
    fake_time: FakeTime,
) -> None:
    headers = {
        "X-HubSpot-RateLimit-Remaining": "0",
        "X-HubSpot-RateLimit-Max": "100",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "99999999999",
    }

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=PAGE, content_type="application/json", headers=headers)

    async with hostile_server(handler) as server, _client(server.url, fake_time) as hs:
        await hs.site_pages.get("1")
        await hs.site_pages.get("1")
    assert max(fake_time.slept, default=0.0) <= 120.0


def _bomb(decoded_size: int) -> bytes:
    return gzip.compress(b"{" + SAVED + b', "name": "' + b"a" * decoded_size + b'"}', 9)


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
async def test_a_body_over_the_cap_is_a_typed_error_and_memory_stays_bounded(
    encoding: str, fake_time: FakeTime
) -> None:
    cap = 1 << 20  # 1 MiB
    decoded = 256 << 20  # 256 MiB once inflated
    body = _bomb(decoded) if encoding == "gzip" else b"[" + b" " * (8 * cap) + b"]"

    async def handler(request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip"} if encoding == "gzip" else {}
        return web.Response(body=body, headers=headers, content_type="application/json")

    async with (
        hostile_server(handler) as server,
        _client(server.url, fake_time, max_response_bytes=cap) as hs,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(errors.ResponseTooLargeError) as info:
                await hs.site_pages.get("1")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert info.value.limit == cap
    assert "1048576" in str(info.value)
    assert peak < 64 << 20, f"peak {peak / 2**20:.0f} MiB while reading a capped body"
    assert len(server.seen) == 1  # a too-large answer is not retried


async def test_a_chunked_body_of_no_declared_length_is_cut_at_the_cap(fake_time: FakeTime) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        with contextlib.suppress(ConnectionError):  # the client hangs up at the cap
            await resp.write(b"{" + SAVED + b', "name": "')
            for _ in range(64 if request.path.endswith("/1") else 1):
                await resp.write(b"a" * (64 << 10))  # 4 MiB for page 1, 64 KiB for page 2
            await resp.write(b'"}')
            await resp.write_eof()
        return resp

    async with (
        hostile_server(handler) as server,
        _client(server.url, fake_time, max_response_bytes=1 << 20) as hs,
    ):
        with pytest.raises(errors.ResponseTooLargeError, match="kept coming"):
            await hs.site_pages.get("1")
        small = await hs.site_pages.get("2")  # the same streamed answer, under the cap
    assert small.name == "a" * (64 << 10)


async def test_a_compressed_body_under_the_cap_still_decodes(fake_time: FakeTime) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(PAGE),
            headers={"Content-Encoding": "gzip"},
            content_type="application/json",
        )

    async with hostile_server(handler) as server, _client(server.url, fake_time) as hs:
        assert (await hs.site_pages.get("1")).name == "Home"


def test_the_body_cap_must_be_positive() -> None:
    with pytest.raises(errors.ValidationError, match="max_response_bytes"):
        HubPages(FAKE_TOKEN, max_response_bytes=0)


# 1,000 levels already overflowed 3.11; 3.13 decodes some 10,000, so the cases are
# deeper than that: past the interpreter's limit the answer is a typed error.
@pytest.mark.parametrize("depth", [30_000, 100_000])
async def test_json_nested_too_deep_is_a_typed_error(depth: int, fake_time: FakeTime) -> None:
    nested = b"[" * depth + b"]" * depth
    body = b"{" + SAVED + b', "name": "x", "widgets": {"w": ' + nested + b"}}"

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async with hostile_server(handler) as server, _client(server.url, fake_time) as hs:
        with pytest.raises(errors.ResponseValidationError, match="nested too deeply"):
            await hs.site_pages.get("1")


@pytest.mark.parametrize("body", [b"", b"   ", b"{}", b"null", b"[]", b'"ok"', b'{"id": ""}'])
async def test_get_on_an_empty_or_wrong_shaped_2xx_raises(body: bytes, fake_time: FakeTime) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async with hostile_server(handler) as server, _client(server.url, fake_time) as hs:
        with pytest.raises(errors.ResponseValidationError):
            await hs.site_pages.get("1")
        with pytest.raises(errors.ResponseValidationError):
            await hs.site_pages.update("1", Page(name="x"))
        with pytest.raises(errors.ResponseValidationError):
            await hs.landing_pages.folders.get("1")


@pytest.mark.parametrize("body", [b"", b"null", b"[]"])
async def test_batch_create_on_an_empty_200_raises(body: bytes, fake_time: FakeTime) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=200, body=body, content_type="application/json")

    async with hostile_server(handler) as server, _client(server.url, fake_time) as hs:
        with pytest.raises(errors.ResponseValidationError) as info:
            await hs.site_pages.batch_create([Page(name="a", template_path="t/a.html")])
    assert info.value.method == "POST"
    assert info.value.path.endswith("/batch/create")
    assert len(server.seen) == 1  # a create is never repeated on an unclear answer


async def test_an_empty_204_is_still_fine(fake_time: FakeTime) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=204)

    async with hostile_server(handler) as server, _client(server.url, fake_time) as hs:
        await hs.site_pages.archive("1")  # no body is due: no error
        await hs.site_pages.push_live("1")
    assert [method for method, _ in server.seen] == ["DELETE", "POST"]


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1]:notaport", "https://h:99999"])
def test_a_malformed_base_url_is_a_validation_error(url: str) -> None:
    with pytest.raises(errors.ValidationError, match="base_url"):
        HubPages(FAKE_TOKEN, base_url=url)
