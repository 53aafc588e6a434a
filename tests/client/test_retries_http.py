"""Each retry rule, the DAILY rule and the non-idempotent rule, with injected faults.

A fault is injected for the first attempt only: the client's backoff-sleep hook
clears it, so the retry meets a healthy server. Timing is never asserted; the
limiter runs on a virtual clock (see ``make_client``) so 429 pauses cost nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from hubpages_async import HubPages, RetryPolicy, errors
from hubpages_async.emulator import Emulator
from hubpages_async.models import Page

from ._support import FAKE_TOKEN, FAST_RETRY, FakeTime

ClientFactory = Callable[..., Any]


def clear_faults_on_backoff(hs: HubPages, emulator: Any) -> list[float]:
    """Make the next backoff sleep heal the server; return the list of sleeps."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        emulator.faults = None
        await anyio.lowlevel.checkpoint()

    hs._core.sleep = sleep
    return slept


def new_page(slug: str) -> Page:
    return Page(name=f"P {slug}", template_path="t/p.html", slug=slug)


@pytest.mark.parametrize(
    "fault", ["423", "429", "500", "502", "503", "504", "reset", "drop", "truncate"]
)
async def test_idempotent_requests_are_retried(
    emulator: Any, make_client: ClientFactory, fake_time: FakeTime, fault: str
) -> None:
    async with make_client() as hs:
        page = await hs.site_pages.create(new_page("retry-me"))
        emulator.faults = f"{fault}=1.0"
        slept = clear_faults_on_backoff(hs, emulator)
        again = await hs.site_pages.get(page.id)
        assert again.id == page.id
        assert hs.stats.retries == 1
        assert len(slept) == 1
        log = emulator.request_log
        assert [r.fault for r in log[-2:]] == [fault, None]
        if fault == "429":
            assert hs.stats.rate_limited_429 == 1
            # the shared pause gate held the retry back for one rate window
            assert fake_time.slept
            assert fake_time.slept[-1] == pytest.approx(10.0)


async def test_timeouts_are_retried(emulator: Any, make_client: ClientFactory) -> None:
    emulator.app.slow_chunk_delay = 0.5  # the "slow" fault trickles the body for ~4 s
    async with make_client(timeout=1.0) as hs:
        page = await hs.site_pages.create(new_page("slow"))
        emulator.faults = "slow=1.0"
        clear_faults_on_backoff(hs, emulator)
        assert (await hs.site_pages.get(page.id)).id == page.id
        assert hs.stats.retries == 1


async def test_retries_give_up_after_max_attempts(
    emulator: Any, make_client: ClientFactory
) -> None:
    emulator.faults = "503=1.0"
    async with make_client(retry=RetryPolicy(max_attempts=3, base_delay=0.001)) as hs:
        with pytest.raises(errors.ServerError):
            await hs.site_pages.list(limit=1)
        assert hs.stats.requests == 3
        assert hs.stats.retries == 2


@pytest.mark.parametrize("emulator_kwargs", [{"rate_limit": None, "daily_limit": 2}])
async def test_daily_limit_is_never_retried(emulator: Any, make_client: ClientFactory) -> None:
    async with make_client() as hs:
        slept = clear_faults_on_backoff(hs, emulator)
        await hs.site_pages.list(limit=1)
        await hs.site_pages.list(limit=1)
        with pytest.raises(errors.RateLimitError) as info:
            await hs.site_pages.list(limit=1)
        assert info.value.is_daily
        assert info.value.policy_name == "DAILY"
        assert hs.stats.retries == 0
        assert hs.stats.requests == 3
        assert slept == []


async def test_retry_budget_stops_a_retry_storm(emulator: Any, make_client: ClientFactory) -> None:
    emulator.faults = "500=1.0"
    policy = RetryPolicy(max_attempts=5, base_delay=0.001, max_delay=0.001, budget=3)
    async with make_client(retry=policy) as hs:
        for _ in range(10):
            with pytest.raises(errors.ServerError):
                await hs.site_pages.list(limit=1)
        # 10 calls, and only 3 retries in all instead of 40
        assert hs.stats.requests == 13
        assert hs.stats.retries == 3
        assert hs.stats.retry_budget_exhausted == 10  # every call ended on an empty budget


NonIdempotent = Callable[[HubPages, str], Awaitable[Any]]

NON_IDEMPOTENT: dict[str, NonIdempotent] = {
    "create": lambda hs, pid: hs.site_pages.create(new_page("created")),
    "batch_create": lambda hs, pid: hs.site_pages.batch_create([new_page("b1"), new_page("b2")]),
    "clone": lambda hs, pid: hs.site_pages.clone(pid, clone_name="Clone"),
    "create_ab_variation": lambda hs, pid: hs.site_pages.create_ab_variation(pid, "B"),
    "create_language_variation": lambda hs, pid: hs.site_pages.create_language_variation(
        pid, language="fr"
    ),
}


@pytest.mark.parametrize("operation", sorted(NON_IDEMPOTENT))
@pytest.mark.parametrize("fault", ["drop", "reset", "500", "504"])
async def test_non_idempotent_requests_that_may_have_applied_are_outcome_unknown(
    emulator: Any, make_client: ClientFactory, operation: str, fault: str
) -> None:
    async with make_client() as hs:
        source = await hs.site_pages.create(Page(name="S", template_path="t/s.html", language="en"))
        before = len(emulator.store.pages("site-pages"))
        emulator.faults = f"{fault}=1.0"
        with pytest.raises(errors.OutcomeUnknownError) as info:
            await NON_IDEMPOTENT[operation](hs, source.id)
        exc = info.value
        assert exc.method in ("POST",)
        assert exc.path.startswith("/cms/v3/pages/site-pages")
        assert exc.body is not None
        assert exc.__cause__ is exc.cause
        assert isinstance(exc.cause, errors.APIError)
        assert hs.stats.retries == 0
        assert hs.stats.outcome_unknown == 1
        emulator.faults = None
        applied = len(emulator.store.pages("site-pages")) > before
        # "drop" commits before closing: the page really exists although we were not told
        assert applied == (fault == "drop")


@pytest.mark.parametrize("fault", ["429", "423"])
async def test_non_idempotent_retried_when_the_server_refused_it(
    emulator: Any, make_client: ClientFactory, fault: str
) -> None:
    async with make_client() as hs:
        emulator.faults = f"{fault}=1.0"
        clear_faults_on_backoff(hs, emulator)
        await hs.site_pages.create(new_page("once"))
        assert hs.stats.retries == 1
    assert [p.slug for p in emulator.store.pages("site-pages")] == ["once"]


async def test_non_idempotent_retried_when_the_connection_was_refused(
    free_tcp_port: int, fake_time: FakeTime
) -> None:
    started: list[Emulator] = []

    async def start_server_then_retry(seconds: float) -> None:
        emu = Emulator(port=free_tcp_port, rate_limit=None, daily_limit=None)
        await emu.start()
        started.append(emu)

    try:
        async with HubPages(
            FAKE_TOKEN, base_url=f"http://127.0.0.1:{free_tcp_port}", retry=FAST_RETRY
        ) as hs:
            hs._core.sleep = start_server_then_retry
            page = await hs.site_pages.create(new_page("refused-first"))
            assert page.slug == "refused-first"
            assert hs.stats.retries == 1
            assert hs.stats.failures == 1
        assert len(started[0].store.pages("site-pages")) == 1
    finally:
        for emu in started:
            await emu.close()


@pytest.mark.parametrize("emulator_kwargs", [{"tokens": ["fresh-token"], "rate_limit": None}])
async def test_token_provider_is_asked_again_once_on_401(emulator: Any) -> None:
    tokens = iter(["stale-token", "fresh-token"])
    asked: list[str] = []

    async def provider() -> str:
        asked.append("x")
        return next(tokens)

    async with HubPages(base_url=emulator.url, token_provider=provider, retry=FAST_RETRY) as hs:
        assert (await hs.site_pages.list(limit=1)).results == []
        assert (await hs.site_pages.list(limit=1)).results == []
        assert hs.stats.token_refreshes == 1
    assert len(asked) == 2


@pytest.mark.parametrize("emulator_kwargs", [{"tokens": ["fresh-token"], "rate_limit": None}])
async def test_a_provider_that_keeps_failing_raises_after_one_refresh(emulator: Any) -> None:
    async def provider() -> str:
        return "always-stale"

    async with HubPages(base_url=emulator.url, token_provider=provider) as hs:
        with pytest.raises(errors.AuthenticationError):
            await hs.site_pages.get("1")
        assert hs.stats.requests == 2


async def test_cancellation_is_never_swallowed(emulator: Any, make_client: ClientFactory) -> None:
    emulator.app.slow_chunk_delay = 0.5
    async with make_client() as hs:
        page = await hs.site_pages.create(new_page("cancel"))
        emulator.faults = "slow=1.0"
        with anyio.move_on_after(0.3) as scope:
            await hs.site_pages.get(page.id)
        assert scope.cancelled_caught
        assert hs.stats.retries == 0


async def test_the_token_never_appears_in_logs_or_errors(
    emulator: Any, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    async with make_client() as hs:
        for fault in ("429", "500", "reset", "drop", "423"):
            emulator.faults = f"{fault}=1.0"
            calls: list[Awaitable[Any]] = [
                hs.site_pages.list(limit=1).first(),
                hs.site_pages.create(new_page(f"t-{fault}")),
            ]
            for call in calls:
                try:
                    await call
                except errors.HubPagesError as exc:
                    texts += [str(exc), repr(exc), str(exc.__cause__), repr(exc.__cause__)]
        emulator.faults = None
        try:
            await hs.site_pages.get("404404")
        except errors.NotFoundError as exc:
            texts += [str(exc), repr(exc)]
        texts += [repr(hs), repr(hs.config), repr(hs.stats)]
    assert hs.stats.retries > 0
    assert hs.stats.rate_limited_429 > 0
    assert "hubpages_async" in caplog.text
    everything = caplog.text + "\n".join(texts)
    assert FAKE_TOKEN not in everything
    assert FAKE_TOKEN[-12:] not in everything


async def test_rate_limit_retries_do_not_spend_the_retry_budget(
    emulator: Any, make_client: ClientFactory
) -> None:
    async with make_client(retry=RetryPolicy(base_delay=0.001, budget=0)) as hs:
        emulator.faults = "429=1.0"
        clear_faults_on_backoff(hs, emulator)
        await hs.site_pages.list(limit=1)
        assert hs.stats.retries == 1
        emulator.faults = "500=1.0"
        with pytest.raises(errors.ServerError):
            await hs.site_pages.list(limit=1)
        assert hs.stats.retry_budget_exhausted == 1
