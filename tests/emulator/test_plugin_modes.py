"""The pytest plugin's fixtures in a user's own project, under each way of running async
tests: anyio's plugin, pytest-asyncio in strict and in auto mode, and plain sync tests.

Each mode runs a small project (its own ini file, its own test module) with pytest in a
subprocess, so the plugins it loads are exactly the ones that mode names. The same
module also goes through ``mypy --strict``: the factory's keywords are type-checked.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import anyio
import pytest

USER_TESTS = """
from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest

from hubpages_async import HubPages, Page
from hubpages_async.emulator import Emulator
from hubpages_async.emulator.pytest_plugin import EmulatorFactory

MARK = {mark}
SESSION_URLS: set[str] = set()


async def _create(url: str, name: str) -> None:
    async with HubPages("test-token", base_url=url) as hs:
        await hs.site_pages.create(Page(name=name, template_path="templates/page.html"))


@MARK
async def test_function_emulator(hubspot_emulator: Emulator) -> None:
    await _create(hubspot_emulator.url, "Hello")
    assert [p.name for p in hubspot_emulator.store.pages("site-pages")] == ["Hello"]


@MARK
async def test_factory(emulator_factory: EmulatorFactory) -> None:
    emu = emulator_factory(rate_limit=None, tokens=["only-token@7"], seed_pages=3)
    async with HubPages("only-token", base_url=emu.url) as hs:
        first = await hs.site_pages.list(limit=10)
    assert len(first.results) == 3


@MARK
@pytest.mark.parametrize("name", ["one", "two"])
async def test_session_emulator(hubspot_emulator_session: Emulator, name: str) -> None:
    SESSION_URLS.add(hubspot_emulator_session.url)
    await _create(hubspot_emulator_session.url, name)
    assert len(SESSION_URLS) == 1  # one emulator for every test of the session


def test_sync(hubspot_emulator: Emulator) -> None:
    asyncio.run(_create(hubspot_emulator.url, "From sync"))
    request = urllib.request.Request(
        hubspot_emulator.url + "/cms/v3/pages/site-pages",
        headers={{"Authorization": "Bearer test-token"}},
    )
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    assert [p["name"] for p in body["results"]] == ["From sync"]


def test_sync_session(hubspot_emulator_session: Emulator) -> None:
    names = sorted(str(p.name) for p in hubspot_emulator_session.store.pages("site-pages"))
    assert names == (["one", "two"] if SESSION_URLS else [])
"""

#: mode -> (the mark on async tests, ini lines, pytest's -p options, tests that pass)
MODES: dict[str, tuple[str, str, list[str], int]] = {
    "anyio": (
        "pytest.mark.anyio",
        "",
        ["-p", "no:asyncio"],
        6,
    ),
    "asyncio-strict": (
        "pytest.mark.asyncio",
        "asyncio_mode = strict\nasyncio_default_fixture_loop_scope = function",
        ["-p", "asyncio"],
        6,
    ),
    "asyncio-auto": (
        "(lambda test: test)",  # no mark: auto mode runs every async test
        "asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function",
        ["-p", "asyncio"],
        6,
    ),
    "sync-only": (
        "pytest.mark.skip(reason='this mode has no async plugin')",
        "",
        ["-p", "no:asyncio", "-p", "no:anyio"],
        2,
    ),
}

ANYIO_BACKEND = """
import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
"""


def _project(root: Path, mode: str) -> list[str]:
    mark, ini, options, _ = MODES[mode]
    (root / "test_user.py").write_text(USER_TESTS.format(mark=mark))
    (root / "conftest.py").write_text(ANYIO_BACKEND)
    (root / "pytest.ini").write_text(
        "[pytest]\naddopts = --strict-markers --strict-config\n"
        "filterwarnings =\n    error\n    error::ResourceWarning\n"
        "    error::pytest.PytestUnraisableExceptionWarning\n" + ini + "\n"
    )
    return options


@pytest.mark.parametrize("mode", list(MODES))
async def test_fixtures_in_a_user_project(mode: str, tmp_path: Path) -> None:
    if mode.startswith("asyncio"):
        # In the test dependency group for this test only: a missing one fails, never skips.
        assert importlib.util.find_spec("pytest_asyncio"), "pytest-asyncio is not installed"

    options = _project(tmp_path, mode)
    done = await anyio.run_process(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=tmp_path,
        check=False,
    )
    out = done.stdout.decode() + done.stderr.decode()
    expected = MODES[mode][3]
    assert done.returncode == 0, out
    assert f"{expected} passed" in out, out
    assert "error" not in out.lower(), out


async def test_the_factory_is_typed(tmp_path: Path) -> None:
    _project(tmp_path, "anyio")
    (tmp_path / "test_typo.py").write_text(
        "from hubpages_async.emulator.pytest_plugin import EmulatorFactory\n\n\n"
        "def test_typo(emulator_factory: EmulatorFactory) -> None:\n"
        "    reveal_type(emulator_factory(rate_limit=None))\n"
        "    emulator_factory(rate_limt=None)\n"
        "    emulator_factory(seed_pages='many')\n"
    )
    mypy = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy")]
    done = await anyio.run_process(
        [*mypy, "test_user.py", "test_typo.py"],
        cwd=tmp_path,
        check=False,
    )
    out = done.stdout.decode()
    assert 'Revealed type is "hubpages_async.emulator.server.Emulator"' in out, out
    assert 'Unexpected keyword argument "rate_limt"' in out, out
    assert 'Argument "seed_pages" has incompatible type "str"; expected "int"' in out, out
    assert "Found 2 errors in 1 file" in out, out  # and none in test_user.py
