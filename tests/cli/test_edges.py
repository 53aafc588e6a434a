"""The command line's edges: each natural mistake gets a clear answer and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubpages_async.emulator import Emulator

from .conftest import hubpages

_PAGE = '{"name": "p", "templatePath": "t.html", "slug": "p"}\n'


async def test_a_misspelt_command_gets_a_suggestion() -> None:
    result = await hubpages("exprot", "--type", "site-pages")
    assert result.code == 2
    assert "invalid choice: 'exprot' (did you mean 'export'?)" in result.stderr


async def test_a_misspelt_choice_gets_a_suggestion() -> None:
    result = await hubpages("export", "--type", "sitepages")
    assert result.code == 2
    assert "(did you mean 'site-pages'?)" in result.stderr


async def test_journal_and_no_journal_together_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "p.jsonl"
    source.write_text(_PAGE)
    result = await hubpages(
        "import", str(source), "--type", "site-pages", "--journal", "j.db", "--no-journal"
    )
    assert result.code == 2
    assert "--no-journal: not allowed with argument --journal" in result.stderr


async def test_an_unknown_property_is_refused_with_a_suggestion(emulator: Emulator) -> None:
    result = await hubpages(
        "export", "--type", "site-pages", "--base-url", emulator.url, "--property", "nmae"
    )
    assert result.code == 2
    assert "--property 'nmae'" in result.stderr
    assert "did you mean 'name'?" in result.stderr
    assert result.stdout == ""
    assert emulator.request_log == []  # refused before anything was sent


async def test_known_properties_in_either_spelling_are_sent(emulator: Emulator) -> None:
    result = await hubpages(
        "export", "--type", "site-pages", "--base-url", emulator.url,
        "--property", "html_title", "--property", "name",
    )  # fmt: skip
    assert result.code == 0, result.stderr


@pytest.mark.parametrize("size", ["101", "500"])
async def test_a_chunk_size_above_100_is_refused(tmp_path: Path, size: str) -> None:
    source = tmp_path / "p.jsonl"
    source.write_text(_PAGE)
    result = await hubpages("import", str(source), "--type", "site-pages", "--chunk-size", size)
    assert result.code == 2
    assert "more than HubSpot accepts in one batch request (100)" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--type", "site-pages"],
        ["import", "x.jsonl", "--type", "site-pages"],
        ["migrate", "--to-token-env", "X"],
        ["demo"],
        ["emulator"],
    ],
)
async def test_one_rate_limit_spelling_everywhere(argv: list[str]) -> None:
    bare = await hubpages(*argv, "--rate-limit", "100")
    assert bare.code == 2
    assert "rate limit '100' has no window: write 100/10s" in bare.stderr
    helped = await hubpages(*argv[:1], "--help")
    assert "--rate-limit N/10s|none" in helped.stdout


async def test_notes_go_to_stderr_when_it_is_not_a_terminal_and_stdout_stays_clean(
    tmp_path: Path,
) -> None:
    # No token and no --base-url: the embedded emulator, which the notes must say.
    source = tmp_path / "p.jsonl"
    source.write_text(_PAGE)
    result = await hubpages("import", str(source), "--type", "site-pages")
    assert result.code == 0, result.stderr
    assert "using the embedded emulator" in result.stderr
    summary = json.loads(result.stdout)  # stdout: exactly one JSON line
    assert summary["created"] == 1
    assert result.stdout.count("\n") == 1
    quiet = await hubpages("import", str(source), "--type", "site-pages", "-q")
    assert quiet.stderr == ""


async def test_one_request_is_said_in_the_singular(emulator: Emulator) -> None:
    result = await hubpages("export", "--type", "site-pages", "--base-url", emulator.url)
    assert result.code == 0
    assert "(0/s; 1 request, 0 retries)" in result.stderr
