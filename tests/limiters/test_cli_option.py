"""``--limiter redis://HOST:PORT/DB`` and ``HUBPAGES_LIMITER_URL``: checked before use."""

from __future__ import annotations

import argparse
import os
import sys

import anyio
import pytest

from hubpages_async.cli._limiter import _split_options, parse_limiter_url

CLI = [sys.executable, "-m", "hubpages_async.cli"]


@pytest.mark.parametrize(
    "url",
    ["redis://127.0.0.1:6379/0", "redis://cache", "rediss://:pw@cache:6380/2?on_error=local"],
)
def test_good_urls_pass(url: str) -> None:
    assert parse_limiter_url(url) == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:6379/0", "scheme"),
        ("redis://", "no host"),
        ("redis://h:99999/0", "port"),
        ("redis://h:6379/zero", "database"),
        ("redis://h/0?on_error=retry", "on_error"),
        ("redis://h/0?on_error=local&share=2", "share"),
    ],
)
def test_bad_urls_name_the_problem(url: str, problem: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=problem):
        parse_limiter_url(url)


def test_a_password_is_never_echoed() -> None:
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse_limiter_url("redis://:s3cret@h:6379/x")
    assert "s3cret" not in str(caught.value)


def test_our_options_are_taken_out_of_the_url_redis_gets() -> None:
    url, options = _split_options("redis://h:1/0?on_error=local&share=0.25&health_check_interval=5")
    assert url == "redis://h:1/0?health_check_interval=5"
    assert options == {"on_redis_error": "local", "fallback_share": 0.25}


@pytest.mark.parametrize("command", ["export", "import", "migrate"])
async def test_bad_option_is_a_usage_error(command: str) -> None:
    done = await anyio.run_process([*CLI, command, "--limiter", "http://nope"], check=False)
    assert done.returncode == 2
    assert b"invalid limiter URL 'http://nope': the scheme must be" in done.stderr
    assert b"Traceback" not in done.stderr


async def test_bad_environment_variable_is_a_usage_error() -> None:
    env = {k: v for k, v in os.environ.items() if k != "HUBSPOT_ACCESS_TOKEN"}
    env["HUBPAGES_LIMITER_URL"] = "memcached://x"
    done = await anyio.run_process(
        [*CLI, "export", "--type", "site-pages", "-q"], env=env, check=False
    )
    assert done.returncode == 2
    assert b"HUBPAGES_LIMITER_URL" in done.stderr
    assert b"Traceback" not in done.stderr
