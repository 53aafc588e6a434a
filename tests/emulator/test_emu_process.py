"""The command line, the sqlite state file and the pytest fixtures."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from hubpages_async.emulator import Emulator, EmulatorThread
from hubpages_async.emulator.__main__ import build_arg_parser, emulator_kwargs
from hubpages_async.emulator.pytest_plugin import EmulatorFactory

from ._emu_support import Api


def test_arg_parser_maps_every_option() -> None:
    args = build_arg_parser().parse_args(
        [
            "--port", "0", "--seed-pages", "3", "--rate-limit", "none", "--daily-limit", "none",
            "--max-batch", "50", "--latency", "0.3:0.1", "--faults", "500=0.1", "--fault-seed", "4",
            "--token", "a@2:content", "--token", "b", "--async-batches", "--state", "x.db",
        ]
    )  # fmt: skip
    kw = emulator_kwargs(args)
    assert kw["rate_limit"] is None
    assert kw["daily_limit"] is None
    assert kw["latency"] == 0.3
    assert kw["jitter"] == 0.1
    assert kw["tokens"] == ["a@2:content", "b"]
    assert kw["async_batches"] is True
    assert kw["max_batch"] == 50
    assert kw["state"] == "x.db"


async def test_module_prints_url_serves_and_stops_on_sigterm() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hubpages_async.emulator", "--port", "0", "--seed-pages", "3",
        "--token", "tok@5",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        assert line.startswith("listening on http://127.0.0.1:")
        url = line.split()[-1]
        async with aiohttp.ClientSession() as s:
            api = Api(s, url, token="tok")
            r = await api.call("GET", "site-pages", params={"limit": "1"})
            assert r.status == 200
            assert r.body["total"] == 3
            assert (await api.call("GET", "site-pages", token="other")).status == 401
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_state_file_survives_a_restart(
    tmp_path: Path, session: aiohttp.ClientSession
) -> None:
    db = str(tmp_path / "state.db")
    async with Emulator(state=db, rate_limit=None) as emu:
        api = Api(session, emu.url)
        page = await api.create(name="kept", slug="kept")
        await api.call("PATCH", f"site-pages/{page['id']}/draft", json={"name": "draft"})
        folder = (await api.call("POST", "landing-pages/folders", json={"name": "F"})).body
        gone = await api.create(name="gone")
        await api.call("DELETE", f"site-pages/{gone['id']}")
    async with Emulator(state=db, rate_limit=None, seed_pages=5) as emu:
        api = Api(session, emu.url)
        got = await api.call("GET", f"site-pages/{page['id']}")
        assert got.body["name"] == "kept"
        assert (await api.call("GET", f"site-pages/{page['id']}/draft")).body["name"] == "draft"
        assert (await api.call("GET", f"site-pages/{page['id']}/revisions")).body["total"] == 2
        assert (await api.call("GET", f"landing-pages/folders/{folder['id']}")).status == 200
        assert (
            await api.call("GET", f"site-pages/{gone['id']}", params={"archived": "true"})
        ).status == 200
        assert len(emu.store.pages()) == 1  # not seeded again: the state had pages
        r = await api.call(
            "POST", "site-pages", json={"name": "x", "templatePath": "t.html", "slug": "kept"}
        )
        assert r.status == 409  # the slug index was rebuilt
        newer = await api.create(name="new")
        assert int(newer["id"]) > int(gone["id"])


async def test_plugin_fixtures(
    hubspot_emulator: Emulator, emulator_factory: EmulatorFactory
) -> None:
    assert hubspot_emulator.url.startswith("http://127.0.0.1:")
    other = emulator_factory(tokens=["x@3"], seed_pages=2)
    assert len(other.store.pages(portal=3)) == 2
    assert other.url != hubspot_emulator.url


def test_bad_options_are_argparse_errors(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_arg_parser()
    for argv in (["--rate-limit", "fast"], ["--faults", "418=1"], ["--token", "x@y"]):
        with pytest.raises(SystemExit) as info:
            parser.parse_args(argv)
        assert info.value.code == 2
    assert "418" in capsys.readouterr().err


def test_emulator_thread_serves_sync_code_and_stops() -> None:
    import threading
    import urllib.request

    def emulator_threads() -> int:
        return [t.name for t in threading.enumerate()].count("hubpages-emulator")

    before = emulator_threads()
    runner = EmulatorThread(lambda: Emulator(rate_limit=None, seed_pages=2))
    with runner as emu:
        request = urllib.request.Request(
            f"{emu.url}/cms/v3/pages/site-pages", headers={"Authorization": "Bearer x"}
        )
        with urllib.request.urlopen(request) as response:
            assert response.status == 200
        assert emulator_threads() == before + 1
    assert emulator_threads() == before  # stopped, and the thread has ended
    runner.stop()  # stopping twice is fine
    with pytest.raises(RuntimeError, match="already started"):
        runner.start()


def test_emulator_thread_raises_what_failed_at_start() -> None:
    with EmulatorThread(lambda: Emulator(rate_limit=None)) as first:
        busy = EmulatorThread(lambda: Emulator(port=first.port, rate_limit=None))
        with pytest.raises(OSError, match="address already in use"):
            busy.start()
