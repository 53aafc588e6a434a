"""Proxies: ``proxy=``, ``trust_env=`` (default True) and the environment's variables,
through a real forward proxy on 127.0.0.1 in front of the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hubpages_async import HubPages, Page, errors
from hubpages_async.emulator import Emulator

from ._proxy import ForwardProxy
from ._support import FAKE_TOKEN

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
async def proxy() -> AsyncIterator[ForwardProxy]:
    async with ForwardProxy() as running:
        yield running


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sets exactly the proxy variables it is about."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


async def _create_and_list(hs: HubPages) -> None:
    await hs.site_pages.create(Page(name="Through", template_path="t/page.html"))
    first = await hs.site_pages.list(limit=5)
    assert [p.name for p in first.results] == ["Through"]


async def test_explicit_proxy(emulator: Emulator, proxy: ForwardProxy) -> None:
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, proxy=proxy.url) as hs:
        await _create_and_list(hs)
    assert [(s.method, s.target) for s in proxy.seen] == [
        ("POST", f"{emulator.url}/cms/v3/pages/site-pages"),
        ("GET", f"{emulator.url}/cms/v3/pages/site-pages?limit=5"),
    ]
    assert proxy.seen[0].headers["authorization"] == f"Bearer {FAKE_TOKEN}"


async def test_environment_proxy_is_trusted_by_default(
    emulator: Emulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        await _create_and_list(hs)
    assert len(proxy.seen) == 2


async def test_trust_env_false_ignores_the_environment(
    emulator: Emulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, trust_env=False) as hs:
        await _create_and_list(hs)
    assert proxy.seen == []


async def test_no_proxy_exempts_the_host(
    emulator: Emulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with HubPages(FAKE_TOKEN, base_url=emulator.url) as hs:
        await _create_and_list(hs)
    assert proxy.seen == []


async def test_an_explicit_proxy_wins_over_the_environment(
    emulator: Emulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    async with HubPages(FAKE_TOKEN, base_url=emulator.url, proxy=proxy.url) as hs:
        await _create_and_list(hs)
    assert len(proxy.seen) == 2


def test_a_bad_proxy_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(errors.ValidationError, match=r"^proxy: "):
        HubPages(FAKE_TOKEN, proxy="socks5://127.0.0.1:1080")


def test_proxy_credentials_stay_out_of_repr() -> None:
    hs = HubPages(FAKE_TOKEN, proxy="http://user:s3cret@127.0.0.1:3128")
    assert "s3cret" not in repr(hs)
    assert "s3cret" not in repr(hs.config)
