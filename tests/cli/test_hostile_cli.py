"""The CLI side of issue 10's hostile inputs: a malformed --base-url, JSON nested too
deep in an import file, and a server echoing the token, for tokens of any length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp import web
from client._hostile import hostile_server

from hubpages_async.emulator import Emulator

from .conftest import hubpages


@pytest.mark.parametrize("token", [None, "pat-na1-abc"])
@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999", "https://[zz]/"])
@pytest.mark.parametrize("command", ["export", "import", "migrate"])
async def test_a_malformed_base_url_is_exit_2(
    command: str, url: str, token: str | None, tmp_path: Path
) -> None:
    source = tmp_path / "pages.jsonl"
    source.write_text('{"name": "a", "templatePath": "t/a.html"}\n')
    args = {
        "export": ["export", "--type", "site-pages", "-o", str(tmp_path / "out.jsonl")],
        "import": ["import", str(source), "--type", "site-pages", "--no-journal"],
        "migrate": ["migrate", "--to-token-env", "DEST", "--journal", str(tmp_path / "j")],
    }[command]
    env = {"HUBSPOT_ACCESS_TOKEN": token, "DEST": "x"} if token else {"DEST": "x"}
    result = await hubpages(*args, "--base-url", url, env=env)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "base_url" in result.stderr or "--base-url" in result.stderr
    assert url in result.stderr


async def test_an_import_line_nested_too_deep_is_exit_2_naming_the_line(
    emulator: Emulator, tmp_path: Path
) -> None:
    source = tmp_path / "pages.jsonl"
    # Deeper than any supported interpreter decodes (3.13 manages some 10,000 levels).
    deep = "[" * 100_000 + "]" * 100_000
    source.write_text(
        '{"name": "a", "templatePath": "t/a.html"}\n'
        f'{{"name": "b", "templatePath": "t/b.html", "widgets": {{"w": {deep}}}}}\n'
    )
    result = await hubpages(
        "import", str(source), "--type", "site-pages", "--base-url", emulator.url
    )
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "line 2" in result.stderr
    assert "nested too deeply" in result.stderr
    assert len(emulator.request_log) == 0


@pytest.mark.parametrize("token", ["e", "ab", "pages", "pat-na1-11111111-2222-3333-4444-5555"])
async def test_cli_output_never_shows_an_echoed_token_and_keeps_its_own_text(
    token: str, tmp_path: Path
) -> None:
    async def handler(request: web.Request) -> web.Response:
        body = {
            "category": "INVALID_AUTHENTICATION",
            "message": f"token {token} is not valid",
            "context": {"token": [token]},
        }
        return web.json_response(body, status=401)

    async with hostile_server(handler) as server:
        result = await hubpages(
            "export",
            "--type",
            "site-pages",
            "--base-url",
            server.url,
            "-o",
            str(tmp_path / "out.jsonl"),
            "--verbose",
            env={"HUBSPOT_ACCESS_TOKEN": token},
        )
    assert result.code == 2, result.stderr
    text = result.stdout + result.stderr
    assert f"token {token} is" not in text
    assert "token *** is not valid" in text
    assert "the portal refused the token (401)" in text  # the CLI's own words, intact
    assert "GET /cms/v3/pages/site-pages" in text
    if len(token) >= 12:
        assert token not in text
    assert json.dumps(token) not in result.stdout
