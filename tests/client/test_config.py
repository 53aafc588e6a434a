"""Configuration normalisers and the client's life cycle (no server needed)."""

from __future__ import annotations

import pytest

from hubpages_async import ClientConfig, HubPages, RateLimit, RetryPolicy, errors
from hubpages_async._config import normalize_api, normalize_base_url, normalize_token

from ._support import FAKE_TOKEN


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.hubapi.com", "https://api.hubapi.com"),
        ("https://api.hubapi.com/", "https://api.hubapi.com"),
        ("  https://proxy.example.com/hubspot/ ", "https://proxy.example.com/hubspot"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.5.5.5", "http://127.5.5.5"),
        ("http://localhost:9000/", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_base_url_normalised(url: str, expected: str) -> None:
    assert normalize_base_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://api.hubapi.com",
        "http://10.0.0.1:8080",
        "http://localhost.evil.com",
        "ftp://api.hubapi.com",
        "api.hubapi.com",
        "https://",
        "https://api.hubapi.com?x=1",
        "https://user:pw@api.hubapi.com",
    ],
)
def test_bad_base_urls_refused(url: str) -> None:
    with pytest.raises(errors.ValidationError) as info:
        normalize_base_url(url)
    assert info.value.field == "base_url"


def test_api_prefixes() -> None:
    assert normalize_api("v3") == "cms/v3/pages"
    assert normalize_api("2026-03") == "cms/pages/2026-03"
    with pytest.raises(errors.ValidationError, match="api"):
        normalize_api("v4")


@pytest.mark.parametrize("token", ["", "   ", "abc def", "abc\r\nX-Evil: 1", "a\x00b"])
def test_bad_tokens_refused(token: str) -> None:
    with pytest.raises(errors.ValidationError) as info:
        normalize_token(token)
    assert info.value.field == "token"
    assert token.strip() == "" or token not in str(info.value)


def test_token_from_argument_env_or_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "from-env")
    assert ClientConfig.build(token="explicit").token == "explicit"
    assert ClientConfig.build().token == "from-env"

    async def provider() -> str:
        return "from-provider"

    config = ClientConfig.build(token_provider=provider)
    assert config.token is None  # the provider wins over the environment when given
    assert config.token_provider is provider
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")
    with pytest.raises(errors.ValidationError, match="HUBSPOT_ACCESS_TOKEN"):
        ClientConfig.build()


def test_config_defaults_and_repr_hide_the_token() -> None:
    config = ClientConfig.build(token=FAKE_TOKEN)
    assert config.base_url == "https://api.hubapi.com"
    assert config.api_root == "https://api.hubapi.com/cms/v3/pages"
    assert config.rate_limit == RateLimit()
    assert config.retry == RetryPolicy()
    assert FAKE_TOKEN not in repr(config)
    dated = ClientConfig.build(token="t", api="2026-03")
    assert dated.api_root == "https://api.hubapi.com/cms/pages/2026-03"


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"max_concurrency": 0}, "max_concurrency"), ({"timeout": 0}, "timeout")]
)
def test_limits_validated(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(errors.ValidationError) as info:
        ClientConfig.build(token="t", **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_client_repr_hides_the_token() -> None:
    hs = HubPages(FAKE_TOKEN)
    assert FAKE_TOKEN not in repr(hs)
    assert FAKE_TOKEN not in repr(hs.config)
    assert "closed" in repr(hs)


async def test_using_the_client_before_entering_is_a_clear_error() -> None:
    hs = HubPages(FAKE_TOKEN, base_url="http://127.0.0.1:9")
    with pytest.raises(errors.ClientStateError, match="async with"):
        await hs.site_pages.get("1")
    with pytest.raises(errors.ClientStateError):
        await hs.request("GET", "site-pages")


async def test_entering_twice_is_refused_and_closing_is_final() -> None:
    hs = HubPages(FAKE_TOKEN, base_url="http://127.0.0.1:9")
    async with hs:
        assert "open" in repr(hs)
        with pytest.raises(errors.ClientStateError, match="already open"):
            await hs.__aenter__()
    with pytest.raises(errors.ClientStateError):
        await hs.site_pages.get("1")


def test_absolute_urls_must_stay_on_the_base_host() -> None:
    hs = HubPages(FAKE_TOKEN, base_url="http://127.0.0.1:8000")
    core = hs._core
    assert core.resolve("site-pages/1") == (
        "http://127.0.0.1:8000/cms/v3/pages/site-pages/1",
        "/cms/v3/pages/site-pages/1",
    )
    assert core.resolve("/x/y")[0] == "http://127.0.0.1:8000/x/y"
    url = "http://127.0.0.1:8000/__emulator/batches/7?x=1"
    assert core.resolve(url) == (url, "/__emulator/batches/7")
    with pytest.raises(errors.ValidationError, match="host"):
        core.resolve("http://evil.example.com/steal")
    with pytest.raises(errors.ValidationError):
        core.resolve("https://127.0.0.1:8000/x")  # another scheme is another origin


async def test_trace_configs_with_a_caller_session_are_refused() -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        with pytest.raises(errors.ValidationError, match="trace_configs"):
            HubPages(FAKE_TOKEN, session=session, trace_configs=[aiohttp.TraceConfig()])
