"""End to end: ``hubpages demo`` and ``hubpages emulator`` in a subprocess."""

from __future__ import annotations

import os
import pty
import re
import signal
import subprocess

import anyio
import pytest
from anyio.streams.text import TextReceiveStream

from .conftest import CLI, cli_env, hubpages


async def test_demo_shows_a_migration_at_the_limit_with_faults() -> None:
    # The default demo, as a new user runs it: 2 x 600 pages at 100/10s with faults.
    result = await hubpages("demo")
    assert result.code == 0, result.stdout + result.stderr
    out = result.stdout
    assert "copied: 1200/1200 pages" in out
    assert "0 failures" in out
    survived = re.search(
        r"(\d+) retr(?:y|ies); (\d+) inputs? whose batch answer was lost .*, (\d+) found missing",
        out,
    )
    assert survived, out
    # Faults were met and survived (which ones varies with the order requests arrive in):
    # retried, or looked up after an unknown outcome, and nothing failed or went missing.
    assert sum(map(int, survived.groups())) > 0
    assert re.search(r"0 429s received; [1-9]\d* requests? held back", out), out
    limit = re.search(r"allows that many in no less than (\d+\.\d)s \((\d+)% of the ceiling\)", out)
    assert limit, out
    assert float(limit.group(1)) > 0
    assert "result: OK" in out
    assert "hubpages: embedded emulator" in result.stderr  # notes on stderr, not stdout


async def test_demo_round_trip(tmp_path: object) -> None:
    result = await hubpages(
        "demo", "--round-trip", "--pages", "300", "--rate-limit", "none", "--faults", "503=0.05"
    )
    assert result.code == 0, result.stdout + result.stderr
    assert "import: 300 created, 0 failed" in result.stdout
    assert "round trip: 300/300 pages identical on every field sent" in result.stdout
    assert "result: OK" in result.stdout
    # "1 retry" or "N retries": the summary counts them, in the right number.
    assert re.search(r"\b\d+ retr(y|ies)\b", result.stdout), result.stdout


async def test_emulator_command_serves_until_interrupted() -> None:
    async with await anyio.open_process(
        [*CLI, "emulator", "--port", "0", "--rate-limit", "none"], env=cli_env()
    ) as proc:
        assert proc.stdout is not None
        seen = ""
        with anyio.fail_after(30):
            async for text in TextReceiveStream(proc.stdout):
                seen += text
                if "listening on http://127.0.0.1:" in seen and seen.endswith("\n"):
                    break
            assert "listening on " in seen, seen
            url = seen.split("listening on ", 1)[1].split()[0]
            result = await hubpages("export", "--type", "site-pages", "--base-url", url)
            proc.send_signal(signal.SIGINT)
            assert await proc.wait() == 0
    assert result.code == 0, result.stderr
    assert "embedded" not in result.stderr


@pytest.mark.parametrize("argv", [["--help"], ["emulator", "--help"], ["import", "--help"]])
async def test_help_exits_0(argv: list[str]) -> None:
    result = await hubpages(*argv)
    assert result.code == 0
    assert "usage: hubpages" in result.stdout


def test_progress_bar_on_a_terminal() -> None:
    # stderr is a real pseudo-terminal here: the rich bar is drawn there, and stdout
    # (a pipe) still gets only the summary.
    master, slave = pty.openpty()
    with subprocess.Popen(
        [*CLI, "demo", "--round-trip", "--pages", "200", "--rate-limit", "none"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=cli_env({"TERM": "xterm"}),
    ) as proc:
        os.close(slave)
        drawn = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO once the child has closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        os.close(master)
        stdout = proc.stdout.read().decode() if proc.stdout else ""
        assert proc.wait(timeout=60) == 0
    text = drawn.decode(errors="replace")
    assert "200/200" in text
    assert "fail 0 retry 0 429s 0" in text
    assert "fail 0" not in stdout
    assert "result: OK" in stdout
