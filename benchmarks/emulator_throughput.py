"""The emulator's own throughput: fully populated 100-page list responses per second.

Runs ``python -m hubpages_async.emulator`` in its own process (one core: the server is a
single-threaded event loop) with seeded realistic pages and no rate limit, then walks
the site-page list with ``limit=100`` and real cursors from several concurrent aiohttp
connections in this process for a fixed time. Reports responses per wall-clock second
and per CPU-second of the emulator process (from /proc), the latter being what "one
core" can serve regardless of how busy the load generator is.

    python -m benchmarks.emulator_throughput [--seconds 5] [--pages 2000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence

import aiohttp

__all__ = ["main", "measure"]

_LISTENING = re.compile(r"listening on (http://\S+)")
_AFTER = re.compile(rb'"paging":\{"next":\{"after":"([^"]+)"')


def _cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process (Linux), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


async def _walker(
    session: aiohttp.ClientSession, url: str, deadline: float, counts: list[int]
) -> None:
    after: str | None = None
    headers = {"Authorization": "Bearer bench"}
    while time.monotonic() < deadline:
        params = {"limit": "100"}
        if after:
            params["after"] = after
        async with session.get(url, params=params, headers=headers) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"emulator answered {resp.status}: {body[:200]!r}")
        # The cursor sits at the end of the body: find it there instead of decoding
        # 100 pages, so the load generator stays cheaper than the server it measures.
        m = _AFTER.search(body, max(0, len(body) - 4096))
        after = m.group(1).decode() if m else None
        counts[0] += 1
        counts[1] += len(body)


async def measure(base_url: str, seconds: float, concurrency: int) -> tuple[int, int, float]:
    """Walk the list for ``seconds``; return (responses, bytes, elapsed)."""
    url = f"{base_url}/cms/v3/pages/site-pages"
    counts = [0, 0]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        # Warm-up: one full walk fills the emulator's per-page JSON cache.
        await _walker(session, url, time.monotonic() + 1.0, [0, 0])
        start = time.monotonic()
        deadline = start + seconds
        await asyncio.gather(*(_walker(session, url, deadline, counts) for _ in range(concurrency)))
        elapsed = time.monotonic() - start
    return counts[0], counts[1], elapsed


def main(argv: Sequence[str] | None = None) -> int:
    """Start the emulator, measure, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_throughput")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--pages", type=int, default=2000, help="seeded pages per kind")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    cmd = [
        sys.executable,
        "-m",
        "hubpages_async.emulator",
        "--port",
        "0",
        "--rate-limit",
        "none",
        "--daily-limit",
        "none",
        "--seed-pages",
        str(args.pages),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = _LISTENING.search(line)
        if not m:
            print(f"emulator did not start: {line!r}", file=sys.stderr)
            return 1
        cpu0 = _cpu_seconds(proc.pid)
        responses, nbytes, elapsed = asyncio.run(
            measure(m.group(1), args.seconds, args.concurrency)
        )
        cpu1 = _cpu_seconds(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    rate = responses / elapsed
    print(f"emulator throughput: {rate:.0f} list responses/s (limit=100, fully populated pages)")
    size_kib = nbytes / responses / 1024
    print(f"  {responses} responses, {size_kib:.0f} KiB each, {nbytes / elapsed / 2**20:.1f} MiB/s")
    if cpu0 is not None and cpu1 is not None and cpu1 > cpu0:
        # Includes the warm-up walk's share, so this slightly understates the rate.
        print(f"  per emulator CPU-second: {responses / (cpu1 - cpu0):.0f} responses (one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
