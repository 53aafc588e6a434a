"""The README's Python examples run, against the emulator instead of HubSpot.

Each example is executed in a subprocess by a small bootstrap that makes ``HubPages``
default to the emulator's URL (the only change from the text users copy).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from hubpages_async import HubPages, Page
from hubpages_async.emulator import Emulator

from .conftest import hubpages, run_python

README = Path(__file__).parents[2] / "README.md"
BLOCKS: list[str] = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)

BOOTSTRAP = """
import sys
import hubpages_async

class _AtEmulator(hubpages_async.HubPages):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("base_url", sys.argv[2])
        super().__init__(*args, **kwargs)

hubpages_async.HubPages = _AtEmulator
namespace = {"__name__": sys.argv[3]}
exec(compile(open(sys.argv[1]).read(), "README.md", "exec"), namespace)
if sys.argv[3] == "webapp":
    import asyncio
    from aiohttp.test_utils import TestClient, TestServer

    async def main():
        async with TestClient(TestServer(namespace["make_app"]())) as client:
            response = await client.get("/pages", params={"q": "pricing"})
            print(response.status, await response.text())

    asyncio.run(main())
"""


def _block(marker: str) -> str:
    (found,) = [b for b in BLOCKS if marker in b]
    return found


def test_every_block_is_valid_python() -> None:
    assert len(BLOCKS) >= 6
    for block in BLOCKS:
        compile(block, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


async def test_examples_run_against_the_emulator(tmp_path: Path) -> None:
    tokens = ["sandbox-token@1", "production-token@2"]
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=tokens) as emu:
        async with HubPages("sandbox-token", base_url=emu.url) as hs:
            for i in range(3):
                await hs.site_pages.create(
                    Page(name=f"Launch 2026 #{i}", template_path="marketing/t.html", slug=f"l{i}")
                )

        async def run(marker: str, name: str = "__main__") -> str:
            script = tmp_path / "example.py"
            script.write_text(_block(marker))
            env = {
                "HUBSPOT_ACCESS_TOKEN": "sandbox-token",
                "SANDBOX_TOKEN": "sandbox-token",
                "PRODUCTION_TOKEN": "production-token",
            }
            code, out, err = await run_python(
                BOOTSTRAP, str(script), emu.url, name, env=env, cwd=tmp_path
            )
            assert code == 0, err
            return out

        out = await run('name="Pricing", template_path')
        assert "created" in out
        assert any(p.name == "Pricing" for p in emu.store.pages("site-pages"))

        out = await run("update_many(")
        assert "3 succeeded" in out
        titles = {
            p.html_title for p in emu.store.pages("site-pages") if str(p.name).startswith("Launch")
        }
        assert titles == {f"Launch 2026 #{i} | Acme" for i in range(3)}

        out = await run("web.run_app", "webapp")
        assert out.startswith("200 ")
        assert '"name": "Pricing"' in out

        out = await run("sandbox-to-production.journal")
        names = sorted(str(p.name) for p in emu.store.pages("site-pages", portal=2))
        assert names == [f"Launch 2026 #{i}" for i in range(3)]


async def test_pytest_fixture_example(tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(_block("def test_creates_a_page"))
    code, out, err = await run_python(
        "import sys, pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', sys.argv[1]]))",
        str(tmp_path / "test_example.py"),
        cwd=tmp_path,
    )
    assert code == 0, out + err
    assert "1 passed" in out


@pytest.mark.parametrize("command", ["hubpages export --type site-pages -o out.jsonl"])
async def test_cli_example_lines_parse(command: str, tmp_path: Path) -> None:
    result = await hubpages(*command.split()[1:], cwd=tmp_path)
    assert result.code == 0, result.stderr
