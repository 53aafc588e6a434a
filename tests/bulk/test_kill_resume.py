"""A job killed with SIGKILL mid-run and rerun with its journal: no duplicate, none lost.

The emulator runs in this test process, so it outlives the killed job; the job itself
runs in a child process that is SIGKILLed while batches are in flight (async-batch mode
with slow polls keeps batches committed on the server but not yet in the journal).
"""

from __future__ import annotations

import json
import random
import signal
import sys
from collections import Counter
from pathlib import Path

import anyio
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream

from hubpages_async.emulator import Emulator
from hubpages_async.journal import Journal

N = 2000
SCRIPT = Path(__file__).with_name("_resume_job.py")


async def _lines(process: Process) -> list[str]:
    """Read stdout lines until the process exits (used for the final, unkilled run)."""
    assert process.stdout is not None
    text = ""
    async for part in TextReceiveStream(process.stdout):
        text += part
    return text.splitlines()


async def _run_and_kill(process: Process, after_chunks: int, delay: float) -> int:
    """Let the job report ``after_chunks`` chunks, wait ``delay``, then SIGKILL it."""
    assert process.stdout is not None
    seen = 0
    buffer = ""
    async for part in TextReceiveStream(process.stdout):
        buffer += part
        seen += sum(1 for line in buffer.splitlines(keepends=True) if line.startswith("chunk"))
        buffer = "" if buffer.endswith("\n") else buffer.rsplit("\n", 1)[-1]
        if seen >= after_chunks:
            break
    await anyio.sleep(delay)
    process.send_signal(signal.SIGKILL)
    return await process.wait()


def _in_window(journal_path: Path, emu: Emulator) -> tuple[int, int]:
    """(inputs pending in the journal, of which the server already has a page)."""
    journal = Journal(journal_path, job="resume-test")
    journal.open_sync("create")
    try:
        pending = [e.index for e in journal.entries_sync() if e.state == "pending"]
    finally:
        journal.close_sync()
    on_server = {str(p.slug) for p in emu.store.pages("site-pages")}
    return len(pending), sum(1 for i in pending if f"resume/{i}" in on_server)


async def test_sigkill_mid_run_then_resume(tmp_path: Path) -> None:
    journal = tmp_path / "job.sqlite"
    rng = random.Random(7)
    command = [sys.executable, str(SCRIPT), "", str(journal), str(N)]
    async with Emulator(
        rate_limit=None, faults="drop=0.05,500=0.03", fault_seed=2, async_batches=True
    ) as emu:
        command[2] = emu.url
        windows: list[tuple[int, int]] = []
        # At least three kills, and more (bounded) until one has landed in the window
        # between "the server committed a batch" and "the journal recorded it".
        for kill in range(8):
            async with await anyio.open_process(command) as process:
                code = await _run_and_kill(process, 2 + kill % 2, rng.uniform(0.0, 0.05))
            assert code == -signal.SIGKILL
            windows.append(_in_window(journal, emu))
            if kill >= 2 and sum(committed for _, committed in windows) > 0:
                break
        async with await anyio.open_process(command) as process:
            lines = await _lines(process)
            assert await process.wait() == 0
        summary = json.loads(lines[-1].removeprefix("done "))
        counts = Counter(str(p.slug) for p in emu.store.pages("site-pages"))

    print("kills left (pending, of which already on the server):", windows, "final:", summary)
    assert max(counts.values()) == 1, "a page was created twice"
    assert set(counts) == {f"resume/{i}" for i in range(N)}, "a page is missing"
    assert summary["in_order"]
    assert summary["total"] == summary["succeeded"] == N
    assert summary["skipped"] > 0
    # The kills landed while batches were in flight: inputs were pending in the journal,
    # and at least once the server had already committed some of them (the window the
    # reconcile lookup covers).
    assert all(pending > 0 for pending, _ in windows)
    assert sum(committed for _, committed in windows) > 0
