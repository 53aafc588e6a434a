"""Each error status from the emulator maps to its class, with the correlation id."""

from __future__ import annotations

from typing import Any

import pytest

from hubpages_async import HubPages, RetryPolicy, errors
from hubpages_async.models import Page

from ._support import FAKE_TOKEN

NO_RETRY = RetryPolicy.none()


def page(slug: str = "same") -> Page:
    return Page(name="P", template_path="t/p.html", slug=slug)


def assert_carries_body(exc: errors.APIStatusError, status: int) -> None:
    assert exc.status == status
    assert exc.correlation_id  # from the body, or the X-HubSpot-Correlation-Id header
    assert exc.category
    assert exc.message
    assert exc.path.startswith("/cms/v3/pages/")
    assert FAKE_TOKEN not in str(exc)
    assert FAKE_TOKEN not in repr(exc)


async def test_400_404_409(emulator: Any) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, retry=NO_RETRY) as hs:
        with pytest.raises(errors.NotFoundError) as not_found:
            await hs.site_pages.get("123456789")
        assert_carries_body(not_found.value, 404)

        await hs.site_pages.create(page())
        with pytest.raises(errors.ConflictError) as conflict:
            await hs.site_pages.create(page())
        assert_carries_body(conflict.value, 409)

        with pytest.raises(errors.BadRequestError) as bad:
            # The client checks filters it knows; the raw escape hatch sends anything.
            await hs.request("GET", "site-pages", params={"limit": "lots"})
        assert_carries_body(bad.value, 400)


@pytest.mark.parametrize(
    "emulator_kwargs",
    [{"tokens": ["good-token", "reader:content.site_pages.read"], "rate_limit": None}],
)
async def test_401_and_403(emulator: Any) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, retry=NO_RETRY) as hs:
        with pytest.raises(errors.AuthenticationError) as unauthenticated:
            await hs.site_pages.get("1")
        assert_carries_body(unauthenticated.value, 401)
    async with HubPages("reader", base_url=emulator.url, retry=NO_RETRY) as hs:
        assert (await hs.site_pages.list(limit=1)).results == []
        with pytest.raises(errors.PermissionDeniedError) as forbidden:
            await hs.site_pages.create(page())
        assert_carries_body(forbidden.value, 403)
        assert forbidden.value.category == "MISSING_SCOPES"


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        ("423", errors.LockedError),
        ("429", errors.RateLimitError),
        ("500", errors.ServerError),
        ("502", errors.ServerError),
        ("503", errors.ServerError),
        ("504", errors.ServerError),
    ],
)
async def test_injected_statuses(
    emulator: Any, fault: str, cls: type[errors.APIStatusError]
) -> None:
    emulator.faults = f"{fault}=1.0"
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, retry=NO_RETRY) as hs:
        with pytest.raises(cls) as info:
            await hs.site_pages.get("1")
    assert_carries_body(info.value, int(fault))
    if isinstance(info.value, errors.RateLimitError):
        assert info.value.policy_name == "TEN_SECONDLY_ROLLING"
        assert not info.value.is_daily


async def test_connection_refused_is_wrapped_with_its_cause(free_tcp_port: int) -> None:
    async with HubPages(
        FAKE_TOKEN, base_url=f"http://127.0.0.1:{free_tcp_port}", retry=NO_RETRY
    ) as hs:
        with pytest.raises(errors.APIConnectionError) as info:
            await hs.site_pages.get("1")
    assert not info.value.request_sent
    assert isinstance(info.value.__cause__, OSError)
    assert FAKE_TOKEN not in str(info.value)
