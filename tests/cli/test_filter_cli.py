"""``hubpages export --filter`` refuses what ``list()`` refuses, with the same words."""

from __future__ import annotations

import pytest

from hubpages_async.emulator import Emulator

from .conftest import hubpages


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("nmae__eq=x", ["--filter nmae__eq=x", "did you mean 'name'"]),
        ("created__gt=2024-01-01", ["did you mean 'createdAt'"]),
        ("publish_date__gt=yesterday", ["'yesterday'", "ISO 8601"]),
        ("name__icontain=x", ["did you mean 'icontains'"]),
    ],
)
async def test_bad_filters_are_usage_errors_before_any_request(
    emulator: Emulator, spec: str, words: list[str]
) -> None:
    result = await hubpages(
        "export", "--type", "site-pages", "--filter", spec, "--base-url", emulator.url
    )
    assert result.code == 2, result.stderr
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr
    assert emulator.request_log == []


async def test_folder_filters_are_the_folders_own(emulator: Emulator) -> None:
    result = await hubpages(
        "export", "--type", "folders", "--filter", "slug=x", "--base-url", emulator.url
    )
    assert result.code == 2, result.stderr
    assert "slug" in result.stderr
    assert emulator.request_log == []
