"""The README's examples run as written against the emulator.

Each Python block is saved to a file and run with ``python FILE`` (the pytest example with
pytest), unchanged. The emulator is started with the options of the README's own
``hubpages emulator`` line (on a free port instead of 8765), and the examples get only the
environment variables of its ``export`` line, with ``HUBSPOT_BASE_URL`` at that port.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import anyio
import pytest

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.__main__ import build_arg_parser, emulator_kwargs

from .conftest import cli_env, hubpages

README = Path(__file__).parents[2] / "README.md"
TEXT = README.read_text()
BLOCKS: list[str] = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
SHELL: list[str] = re.findall(r"```sh\n(.*?)```", TEXT, flags=re.S)

#: A marker found in exactly one Python block, for every block the tests run.
MARKERS = {
    "quick start": 'name="Pricing", template_path',
    "types": 'name="Typed", template_path',
    "bulk updates": "update_many(",
    "web app": "web.run_app",
    "migration": "sandbox-to-production.journal",
    "emulator": "async with Emulator(",
    "pytest": "def test_creates_a_page",
    "rate limit": 'hs = HubPages(rate_limit=RateLimit.tier("professional"))',
    "redis": "RedisLimiter(",
}


def _block(marker: str) -> str:
    (found,) = [b for b in BLOCKS if marker in b]
    return found


def _setup_lines() -> tuple[list[str], dict[str, str]]:
    """The ``hubpages emulator`` line's options and the ``export`` line's variables."""
    (block,) = [b for b in SHELL if "SANDBOX_TOKEN=" in b]
    (emulator_line,) = [ln for ln in block.splitlines() if ln.startswith("hubpages emulator")]
    (export_line,) = [ln for ln in block.splitlines() if ln.startswith("export ")]
    env = dict(word.split("=", 1) for word in shlex.split(export_line)[1:])
    return shlex.split(emulator_line)[2:], env


def test_every_block_is_a_script_and_every_one_is_run() -> None:
    for block in BLOCKS:
        compile(block, "README.md", "exec")  # no top-level await: each runs as a script
    for block in BLOCKS:
        assert sum(marker in block for marker in MARKERS.values()) == 1, block[:200]
    assert len(BLOCKS) == len(MARKERS)


@pytest.fixture
async def portals() -> AsyncIterator[tuple[Emulator, dict[str, str]]]:
    """The emulator of the README's setup lines, and the examples' environment."""
    options, env = _setup_lines()
    args = build_arg_parser().parse_args(options)
    args.port = 0
    async with Emulator(**emulator_kwargs(args)) as emu:  # type: ignore[arg-type]
        env["HUBSPOT_BASE_URL"] = emu.url
        yield emu, env


async def _run(script: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    done = await anyio.run_process(
        [sys.executable, *args, str(script)], env=cli_env(env), cwd=script.parent, check=False
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def _save(tmp_path: Path, name: str) -> Path:
    # A prefix: a script named after a stdlib module (types.py) would shadow it.
    script = tmp_path / f"example_{name.replace(' ', '_')}.py"
    script.write_text(_block(MARKERS[name]))
    return script


async def test_library_examples_as_written(
    portals: tuple[Emulator, dict[str, str]], tmp_path: Path
) -> None:
    emu, env = portals
    code, out, err = await _run(_save(tmp_path, "quick start"), env)
    assert code == 0, err
    assert out.startswith("created ")
    assert any(p.name == "Pricing" for p in emu.store.pages("site-pages", portal=1))

    code, out, err = await _run(_save(tmp_path, "types"), env)
    assert code == 0, err
    assert "(did you mean 'name'?)" in out, out

    marketing = [
        p
        for p in emu.store.pages("site-pages", portal=1)
        if str(p.template_path).startswith("marketing/")
    ]
    assert marketing  # the seeded data has pages the example's filter matches
    code, out, err = await _run(_save(tmp_path, "bulk updates"), env)
    assert code == 0, err
    assert f"{len(marketing)} succeeded" in out, out
    for page in emu.store.pages("site-pages", portal=1):
        if str(page.template_path).startswith("marketing/"):
            assert page.html_title == f"{page.name} | Acme"

    code, out, err = await _run(_save(tmp_path, "emulator"), env)
    assert code == 0, err
    assert out == "10 of 100 pages\n"

    code, out, err = await _run(_save(tmp_path, "rate limit"), env)
    assert (code, err) == (0, "")

    # The web app's Redis-shared limiter: importing it as a module (what a worker does)
    # defines the app's cleanup context from the README's names, sending nothing.
    code, out, err = await _run(_save(tmp_path, "redis"), env)
    assert (code, err) == (0, "")


async def test_migration_example_copies_and_fails_loudly(
    portals: tuple[Emulator, dict[str, str]], tmp_path: Path
) -> None:
    emu, env = portals
    wanted = sorted(
        str(p.name)
        for p in emu.store.pages("site-pages", portal=1)
        if "launch" in str(p.name).lower()
    )
    assert wanted  # the example's filter matches the seeded sandbox
    before = len(emu.store.pages("site-pages", portal=2))
    script = _save(tmp_path, "migration")
    code, out, err = await _run(script, env)
    assert code == 0, err
    copied = emu.store.pages("site-pages", portal=2)[before:]
    assert sorted(str(p.name) for p in copied) == wanted
    assert f"{len(wanted)} succeeded" in out, out

    # Without its journal the rerun sends every page again: HubSpot refuses the duplicate
    # slugs, and the script says so with its exit status.
    (tmp_path / "sandbox-to-production.journal").unlink()
    code, out, err = await _run(script, env)
    assert code == 1, out + err
    failed = re.search(r"(\d+) failed", out)
    assert failed is not None, out
    assert 0 < int(failed.group(1)) <= len(wanted), out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_web_example_as_written(
    portals: tuple[Emulator, dict[str, str]], tmp_path: Path
) -> None:
    _, env = portals
    port = _free_port()
    script = _save(tmp_path, "web app")
    command = [sys.executable, str(script)]
    async with await anyio.open_process(command, env=cli_env({**env, "PORT": str(port)})) as app:
        url = f"http://127.0.0.1:{port}/pages"
        async with aiohttp.ClientSession() as session:
            body = None
            with anyio.fail_after(30):
                while body is None:  # until the app listens (bounded by fail_after)
                    try:
                        async with session.get(url, params={"q": "pricing"}) as response:
                            assert response.status == 200
                            body = json.loads(await response.read())
                    except aiohttp.ClientConnectorError:
                        await anyio.sleep(0.1)
        app.send_signal(signal.SIGTERM)  # run_app shuts down cleanly: HubPages is closed
        with anyio.fail_after(30):
            code = await app.wait()
        assert app.stderr is not None
        err = (await app.stderr.receive()).decode() if code else ""
    assert code == 0, err
    assert body
    assert all("pricing" in item["name"].lower() for item in body)


async def test_pytest_fixture_example(tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(_block(MARKERS["pytest"]))
    code, out, err = await _run(
        tmp_path / "test_example.py", {}, "-m", "pytest", "-q", "-p", "no:cacheprovider"
    )
    assert code == 0, out + err
    assert "1 passed" in out


def test_no_example_binds_every_interface() -> None:
    assert "0.0.0.0" not in TEXT
    tree = ast.parse(_block(MARKERS["web app"]))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    run_app = [c for c in calls if ast.unparse(c.func) == "web.run_app"]
    assert [ast.literal_eval(k.value) for c in run_app for k in c.keywords if k.arg == "host"] == [
        "127.0.0.1"
    ]


@pytest.mark.parametrize("command", ["hubpages export --type site-pages -o out.jsonl"])
async def test_cli_example_lines_parse(command: str, tmp_path: Path) -> None:
    result = await hubpages(*command.split()[1:], cwd=tmp_path)
    assert result.code == 0, result.stderr
