"""End to end: ``hubpages import`` / ``export`` in a subprocess against the emulator."""

# Small local files: blocking pathlib calls in these async tests are harmless.
# ruff: noqa: ASYNC240

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import anyio
import anyio.to_thread
import msgspec
import pytest

from hubpages_async import HubPages
from hubpages_async.emulator import Emulator
from hubpages_async.models import Page

from .conftest import CLI, cli_env, hubpages


def _pages(n: int, *, prefix: str = "page") -> bytes:
    rows = [
        {
            "name": f"{prefix} {i}",
            "templatePath": "@hubspot/growth/templates/paid-consultation.html",
            "slug": f"{prefix}-{i}",
            "htmlTitle": f"Title {i}",
            "language": "en",
        }
        for i in range(n)
    ]
    return b"\n".join(msgspec.json.encode(r) for r in rows) + b"\n"


async def test_import_then_export(emulator: Emulator, tmp_path: Path) -> None:
    source = tmp_path / "pages.jsonl"
    source.write_bytes(_pages(120))
    result = await hubpages(
        "import",
        str(source),
        "--type",
        "site-pages",
        "--base-url",
        emulator.url,
        "--chunk-size",
        "25",
    )
    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["created"], summary["failed"], summary["records"]) == (120, 0, 120)
    assert len(emulator.store.pages("site-pages")) == 120
    # stderr is a pipe here: no progress bar, only plain notes.
    assert "━" not in result.stderr
    assert "\r" not in result.stderr

    out = tmp_path / "export.jsonl"
    out.write_text("previous good export\n")
    result = await hubpages(
        "export",
        "--type",
        "site-pages",
        "--base-url",
        emulator.url,
        "-o",
        str(out),
        "--filter",
        "name__icontains=page 1",
        "--shards",
        "2",
    )
    assert result.code == 0, result.stderr
    names = sorted(json.loads(line)["name"] for line in out.read_text().splitlines())
    expected = sorted(f"page {i}" for i in range(120) if "page 1" in f"page {i}")
    assert names == expected
    assert json.loads(result.stdout)["exported"] == len(expected)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []

    # An export that fails (bad filter: a usage error) leaves the previous file alone.
    result = await hubpages(
        "export",
        "--type",
        "site-pages",
        "--base-url",
        emulator.url,
        "-o",
        str(out),
        "--filter",
        "colour__eq=red",
    )
    assert result.code == 2
    assert "colour" in result.stderr
    assert len(out.read_text().splitlines()) == len(expected)


async def test_rejects_file_and_exit_1(emulator: Emulator, tmp_path: Path) -> None:
    source = tmp_path / "pages.jsonl"
    source.write_bytes(_pages(3, prefix="taken"))
    assert (
        await hubpages(
            "import",
            str(source),
            "--type",
            "landing-pages",
            "--no-journal",
            "--base-url",
            emulator.url,
        )
    ).code == 0
    # Lines 2 and 4 reuse slugs that now exist: HubSpot answers CONFLICT for those two.
    lines = _pages(3, prefix="fresh").splitlines()
    taken = _pages(3, prefix="taken").splitlines()
    source.write_bytes(b"\n".join([lines[0], taken[0], lines[1], taken[2], lines[2]]) + b"\n")
    result = await hubpages(
        "import", str(source), "--type", "landing-pages", "--base-url", emulator.url
    )
    assert result.code == 1, result.stderr
    rejects_path = Path(f"{source}.rejects.jsonl")
    assert "2 of 5 inputs failed" in result.stderr
    assert str(rejects_path) in result.stderr
    rejects = [json.loads(line) for line in rejects_path.read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 4]
    assert {r["category"] for r in rejects} == {"CONFLICT"}
    assert [r["input"]["slug"] for r in rejects] == ["taken-0", "taken-2"]
    assert json.loads(result.stdout)["created"] == 3
    assert len(emulator.store.pages("landing-pages")) == 6


async def test_bad_input_exits_2_before_any_request(emulator: Emulator, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    good = b'{"name": "ok", "templatePath": "t.html"}'
    bad.write_bytes(
        b"\n".join(
            [
                good,
                b'{"name": "a", "templatepath": "t.html"}',
                b"{not json",
                b'{"templatePath": "t.html"}',
                b'{"name": "b"}',
                b'{"name": "c", "templatePath": "/t.html"}',
                b'{"name": 5, "templatePath": "t.html"}',
                b'{"name": "caf\xe9", "templatePath": "t.html"}',
            ]
        )
        + b"\n"
    )
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = await hubpages("import", str(bad), "--type", "site-pages", "--base-url", emulator.url)
    assert result.code == 2
    for expected in [
        "line 2, field 'templatepath': unknown field (did you mean 'templatePath'?)",
        "line 3: malformed JSON",
        "line 4, field 'name': missing",
        "line 5, field 'templatePath': missing",
        "line 6, field 'templatePath': must not start with '/'",
        "line 7, field 'name': expected str | null, got int",
        "line 8: not valid UTF-8",
        "7 problem(s)",
        "nothing was sent",
    ]:
        assert expected in result.stderr
    result = await hubpages(
        "import", str(empty), "--type", "site-pages", "--base-url", emulator.url
    )
    assert result.code == 2
    assert "empty" in result.stderr
    result = await hubpages("import", str(tmp_path / "missing.jsonl"), "--type", "site-pages")
    assert result.code == 2
    assert emulator.request_log == [] or len(emulator.request_log) == 0
    assert emulator.store.pages("site-pages") == []


async def test_embedded_emulator_by_default(tmp_path: Path) -> None:
    result = await hubpages("export", "--type", "folders", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert "embedded emulator" in result.stderr
    assert result.stdout == ""


async def test_interrupt_and_kill_then_resume(tmp_path: Path) -> None:
    source = tmp_path / "pages.jsonl"
    total = 300
    source.write_bytes(_pages(total))
    argv = [
        "import",
        str(source),
        "--type",
        "site-pages",
        "--chunk-size",
        "10",
        "--concurrency",
        "2",
    ]
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, latency=0.05) as emu:
        argv += ["--base-url", emu.url]

        async def run_until(count: int, sig: signal.Signals) -> tuple[int, str]:
            async with await anyio.open_process([*CLI, *argv], env=cli_env()) as proc:
                with anyio.fail_after(60):
                    # Polls the emulator's state: no event to wait on across processes.
                    while len(emu.store.pages("site-pages")) < count:  # noqa: ASYNC110
                        await anyio.sleep(0.02)
                proc.send_signal(sig)
                code = await proc.wait()
                assert proc.stderr is not None
                err = b"".join([chunk async for chunk in proc.stderr]).decode()
            return code, err

        code, err = await run_until(40, signal.SIGINT)
        assert code == 130
        assert "to resume, run: hubpages import" in err
        code, _ = await run_until(len(emu.store.pages("site-pages")) + 60, signal.SIGKILL)
        assert code == -signal.SIGKILL
        assert len(emu.store.pages("site-pages")) < total

        result = await hubpages(*argv)
        assert result.code == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["skipped"] > 0
        names = [str(p.name) for p in emu.store.pages("site-pages")]
        assert sorted(names) == sorted(f"page {i}" for i in range(total))  # each exactly once


async def test_journal_is_per_portal_and_bad_token_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "pages.jsonl"
    source.write_bytes(_pages(5))
    tokens = ["token-a@1", "token-b@2"]
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=tokens) as emu:
        argv = ["import", str(source), "--type", "site-pages", "--base-url", emu.url]
        for env in ({"HUBSPOT_ACCESS_TOKEN": "token-a"}, {"HUBSPOT_ACCESS_TOKEN": "token-b"}):
            result = await hubpages(*argv, env=env)
            assert result.code == 0, result.stderr
            assert json.loads(result.stdout)["created"] == 5
        assert len(emu.store.pages("site-pages", portal=2)) == 5
        again = await hubpages(*argv, env={"HUBSPOT_ACCESS_TOKEN": "token-a"})
        assert json.loads(again.stdout)["skipped"] == 5
        assert len(emu.store.pages("site-pages", portal=1)) == 5

        refused = await hubpages(*argv, env={"HUBSPOT_ACCESS_TOKEN": "wrong-secret"})
        assert refused.code == 2
        assert "refused the token" in refused.stderr
        assert "wrong-secret" not in refused.stderr + refused.stdout


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
async def test_interrupted_export_keeps_the_previous_file(
    tmp_path: Path, sig: signal.Signals, status: int
) -> None:
    out = tmp_path / "pages.jsonl"
    out.write_text("the previous, complete export\n")
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, latency=0.3) as emu:
        async with HubPages("t", base_url=emu.url) as hs:
            lines = _pages(250).splitlines()
            await hs.site_pages.create_many([msgspec.json.decode(b, type=Page) for b in lines])
        argv = ["export", "--type", "site-pages", "--base-url", emu.url, "-o", str(out)]
        async with await anyio.open_process([*CLI, *argv], env=cli_env()) as proc:
            seen = len(emu.request_log)
            with anyio.fail_after(30):
                # Wait for the export's first list response (100 pages) to be written.
                while len(emu.request_log) < seen + 2:  # noqa: ASYNC110
                    await anyio.sleep(0.01)
            proc.send_signal(sig)
            assert await proc.wait() == status
            assert proc.stderr is not None
            err = b"".join([chunk async for chunk in proc.stderr]).decode()
    assert "was left as it was" in err
    assert out.read_text() == "the previous, complete export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pages.jsonl"]


async def test_export_into_a_closed_pipe_stops_quietly() -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, seed_pages=300) as emu:
        argv = ["export", "--type", "site-pages", "--base-url", emu.url]
        read_end, write_end = os.pipe()
        async with await anyio.open_process([*CLI, *argv], env=cli_env(), stdout=write_end) as proc:
            os.close(write_end)
            # Like `| head -c 100`: read a little, then the reader is gone.
            await anyio.to_thread.run_sync(os.read, read_end, 100)
            os.close(read_end)
            with anyio.fail_after(30):
                code = await proc.wait()
            assert proc.stderr is not None
            err = b"".join([chunk async for chunk in proc.stderr]).decode()
    assert code == 141, err
    assert "Traceback" not in err
