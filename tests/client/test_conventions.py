"""Conventions users look for in an async client: aclose/open, a User-Agent, a NullHandler,
per-call options, models to plain data, a first-page coroutine, readable outcome-unknown
errors and HUBSPOT_BASE_URL. Against the emulator on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

import hubpages_async
from hubpages_async import CollectionResponse, HubPages, Page, RetryPolicy, errors
from hubpages_async.emulator import Emulator

from ._proxy import ForwardProxy
from ._support import FAKE_TOKEN

PAGE = Page(name="Conventions", template_path="t/page.html", slug="conventions")


async def test_user_agent_names_the_library_and_version(emulator: Emulator) -> None:
    async with (
        ForwardProxy() as proxy,
        HubPages(FAKE_TOKEN, base_url=emulator.url, proxy=proxy.url) as hs,
    ):
        await hs.site_pages.list(limit=1)
    agent = proxy.seen[0].headers["user-agent"]
    assert agent.startswith(f"hubpages-async/{hubpages_async.__version__} (python/"), agent


def test_the_library_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger("hubpages_async").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


async def test_open_and_aclose_without_async_with(emulator: Emulator) -> None:
    hs = await HubPages(FAKE_TOKEN, base_url=emulator.url).open()
    assert "open" in repr(hs)
    await hs.site_pages.create(PAGE)
    await hs.aclose()
    await hs.aclose()  # twice is fine
    with pytest.raises(errors.ClientStateError):
        await hs.site_pages.list(limit=1)


async def test_with_options_overrides_the_timeout_for_its_calls_only() -> None:
    async with (
        Emulator(rate_limit=None, latency=0.5) as emu,
        HubPages(FAKE_TOKEN, base_url=emu.url, timeout=30) as hs,
    ):
        quick = hs.with_options(timeout=0.1, retry=RetryPolicy.none())
        assert quick.config.timeout == 0.1
        assert hs.config.timeout == 30
        with pytest.raises(errors.APITimeoutError, match=r"no answer within 0\.1 s"):
            await quick.site_pages.list(limit=1)
        first = await hs.site_pages.list(limit=1)  # the client's own 30 s still apply
        assert first.results == []
        assert hs.stats.requests == 2  # one client, one set of counters


async def test_with_options_overrides_retries(emulator: Emulator) -> None:
    emulator.faults = "503=1"
    retrying = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, retry=retrying) as hs:
        with pytest.raises(errors.ServerError):
            await hs.with_options(retry=RetryPolicy.none()).site_pages.list(limit=1)
        assert hs.stats.requests == 1
        with pytest.raises(errors.ServerError):
            await hs.site_pages.list(limit=1)
        assert hs.stats.requests == 1 + 3


async def test_a_with_options_view_is_not_opened_on_its_own(emulator: Emulator) -> None:
    hs = HubPages(FAKE_TOKEN, base_url=emulator.url)
    view = hs.with_options(timeout=5)
    with pytest.raises(errors.ClientStateError, match="with_options"):
        await view.open()
    async with hs:  # the view opens with its client
        assert (await view.site_pages.list(limit=1)).results == []
        assert "view" in repr(view)
        assert "open" in repr(view)
    with pytest.raises(errors.ClientStateError):
        await view.site_pages.list(limit=1)
    with pytest.raises(errors.ValidationError, match=r"^timeout: "):
        hs.with_options(timeout=0)


async def test_models_to_builtins_and_json(emulator: Emulator) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        page = await hs.site_pages.create(PAGE)
    built = page.to_builtins()
    assert built["templatePath"] == "t/page.html"
    assert built["id"] == page.id
    assert isinstance(built["created"], str)  # datetimes as ISO 8601 text
    assert json.loads(page.to_json()) == built
    assert PAGE.to_builtins() == {
        "name": "Conventions",
        "templatePath": "t/page.html",
        "slug": "conventions",
    }  # only what was set


async def test_a_pager_first_page_runs_as_a_task(emulator: Emulator) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        await hs.site_pages.create(PAGE)
        task = asyncio.create_task(hs.site_pages.list(limit=5).first())
        first = await task
    assert isinstance(first, CollectionResponse)
    assert [p.name for p in first.results] == ["Conventions"]


async def test_a_post_timeout_is_outcome_unknown_with_the_timeout_as_cause() -> None:
    async with (
        Emulator(rate_limit=None, latency=1.0) as emu,
        HubPages(FAKE_TOKEN, base_url=emu.url, timeout=0.2) as hs,
    ):
        with pytest.raises(errors.OutcomeUnknownError) as info:
            await hs.site_pages.create(PAGE)
    exc = info.value
    assert isinstance(exc.__cause__, errors.APITimeoutError)
    assert exc.cause is exc.__cause__
    assert str(exc) == (
        "POST /cms/v3/pages/site-pages: outcome unknown: timed out waiting for the answer: "
        "no answer within 0.2 s (TimeoutError). HubSpot may have applied it, so it was not "
        "retried: look it up (e.g. by slug) before sending it again"
    )


async def test_base_url_from_the_environment(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBSPOT_BASE_URL", emulator.url)
    async with HubPages(FAKE_TOKEN) as hs:
        assert hs.config.base_url == emulator.url
        await hs.site_pages.create(PAGE)
    assert HubPages(FAKE_TOKEN, base_url="https://example.com").config.base_url == (
        "https://example.com"
    )
    monkeypatch.setenv("HUBSPOT_BASE_URL", "http://api.hubapi.com")
    with pytest.raises(errors.ValidationError, match=r"^base_url: "):
        HubPages(FAKE_TOKEN)
