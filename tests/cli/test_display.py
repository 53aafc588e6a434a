"""The progress display as a user sees it: the CLI on a pseudo-terminal, screen read back.

The emulator runs in the test's event loop and serves while a worker thread drives the
CLI on a terminal (:mod:`._pty`). The client-side ``--rate-limit 3/4s`` (two requests
per 4.1 s once headroom and margin are taken) makes the limiter sleep for about four
seconds between pages of an export: a rate-limit pause, on demand.
"""

from __future__ import annotations

import itertools
import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import anyio
import anyio.to_thread
import pytest
from fault_proxy import FaultProxy, on

from hubpages_async.emulator import Emulator

from ._pty import PtyRun, run_in_pty
from .conftest import CLI, cli_env

pytestmark = pytest.mark.timeout(120)

_LEFT = re.compile(r"waiting for the rate limit, (\d+)s left")
_BAR = "━"


async def _export(
    emu: Emulator,
    tmp_path: Path,
    *extra: str,
    argv: list[str] | None = None,
    base_url: str | None = None,
    **kwargs: object,
) -> PtyRun:
    command = [
        *(argv or CLI),
        "export",
        "--type",
        "site-pages",
        "--base-url",
        base_url or emu.url,
        "--rate-limit",
        "3/4s",
        "-o",
        str(tmp_path / "out.jsonl"),
        *extra,
    ]
    return await anyio.to_thread.run_sync(
        lambda: run_in_pty(command, cli_env(), **kwargs)  # type: ignore[arg-type]
    )


def _bar_lines(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if line.startswith("export")]


async def test_a_rate_limit_pause_is_shown_live_counting_down(tmp_path: Path) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, seed_pages=300) as emu:
        run = await _export(emu, tmp_path)
    assert run.code == 0, run.screen
    waiting = [(t, frame) for t, frame in run.frames if _LEFT.search(frame)]
    assert waiting, run.screen
    # The remaining wait counts down: several distinct values during the pause...
    lefts = [int(m.group(1)) for _, f in waiting if (m := _LEFT.search(f))]
    assert len(set(lefts)) >= 3, lefts
    assert lefts == sorted(lefts, reverse=True) or max(lefts) >= 3
    # ...and the screen changes at least once a second while it lasts.
    first, last = waiting[0][0], waiting[-1][0]
    changes = [t for (_, prev), (t, f) in itertools.pairwise(run.frames) if f != prev]
    during = [t for t in changes if first <= t <= last]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert during, run.screen
    assert max(gaps) < 1.0, gaps
    # The wait counter grows during the pause, not only after it.
    waits = [float(m.group(1)) for _, f in waiting if (m := re.search(r"wait (\d+\.\d)s", f))]
    assert waits[-1] - waits[0] >= 1.0, waits


async def test_bar_rate_and_summary_rate_agree(tmp_path: Path) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, seed_pages=300) as emu:
        run = await _export(emu, tmp_path)
    assert run.code == 0, run.screen
    (bar,) = _bar_lines(run.screen)
    bar_rate = re.search(r"300/300 (\d+)/s in (\d+\.\d)s", bar)
    summary = re.search(r"exported 300 site-pages in (\d+\.\d)s \((\d+)/s", run.screen)
    assert bar_rate, run.screen
    assert summary, run.screen
    assert (bar_rate.group(1), bar_rate.group(2)) == (summary.group(2), summary.group(1))
    # stdout, a pipe, carries the JSON summary and nothing the display drew.
    assert json.loads(run.stdout)["exported"] == 300
    assert run.stdout.count("\n") == 1


async def test_an_interrupted_export_shows_where_it_stopped(tmp_path: Path) -> None:
    interrupted = False

    def interrupt_once_started(proc: subprocess.Popen[bytes], screen: str) -> None:
        nonlocal interrupted
        if not interrupted and _LEFT.search(screen) and "100/300" in screen:
            interrupted = True
            proc.send_signal(signal.SIGINT)

    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, seed_pages=300) as emu:
        run = await _export(emu, tmp_path, on_frame=interrupt_once_started)
    assert interrupted, run.screen
    assert run.code == 130, run.screen
    (bar,) = _bar_lines(run.screen)
    assert "export (stopped)" in bar, run.screen
    assert "100/300" in bar, run.screen
    assert "300/300" not in run.screen
    assert "interrupted" in run.screen


async def test_verbose_log_lines_print_above_the_bar_never_through_it(tmp_path: Path) -> None:
    # 503s on list requests make the client retry, and -v logs each retry. The proxy
    # answers the 1st, 3rd and 5th list request 503 (each retry passes), so every run
    # retries the same way; random faults once exhausted the retries of one page.
    list_path = "/cms/v3/pages/site-pages"
    async with (
        Emulator(host="127.0.0.1", port=0, rate_limit=None, seed_pages=300) as emu,
        FaultProxy(emu.url, on(list_path, "503", numbers={1, 3, 5})) as proxy,
    ):
        run = await _export(emu, tmp_path, "-v", base_url=proxy.url)
    assert run.code == 0, run.screen
    assert proxy.count("503") == 3, proxy.actions
    lines = run.screen.splitlines()
    logged = [line for line in lines if "retry" in line and "503" in line]
    assert logged, run.screen
    for line in lines:
        # A bar row holds bar text only; a log row holds no bar text.
        if _BAR in line or re.search(r"\d+/300", line):
            assert "503" not in line, line
            assert "GET" not in line, line
    # Every log line is above the (final) bar.
    (bar_row,) = [i for i, line in enumerate(lines) if line.startswith("export")]
    assert all(lines.index(line) < bar_row for line in logged)


async def test_without_rich_a_plain_status_line_every_few_seconds(tmp_path: Path) -> None:
    # A None entry in sys.modules makes `import rich` fail: the CLI as installed without
    # the cli extra.
    no_rich = [
        sys.executable,
        "-c",
        "import sys; sys.modules['rich'] = None; sys.argv[0] = 'hubpages'; "
        "from hubpages_async.cli.__main__ import main; sys.exit(main())",
    ]
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, seed_pages=300) as emu:
        run = await _export(emu, tmp_path, argv=no_rich)
    assert run.code == 0, run.screen
    lines = run.screen.splitlines()
    assert sum("pip install 'hubpages-async[cli]'" in line for line in lines) == 1, lines
    status = [line for line in lines if line.startswith("hubpages: export ")]
    assert any("100/300 (33%)" in line and "s left" in line for line in status), lines
    assert any("300/300 (100%)" in line and "done in" in line for line in status), lines
    assert "\x1b[" not in run.raw.decode(errors="replace")  # plain lines, no cursor tricks
