"""The emulator's CPU per 100-page batch create, this tree against a baseline, side by side.

Each tree's emulator runs in its own process (``python -m hubpages_async.emulator``, no
rate limit); rounds alternate between them, each round sending the same number of
``batch/create`` requests of 100 fully populated pages (``realistic_page``; distinct
slugs, so every input is created). The CPU charged to the emulator process (utime +
stime from /proc) over a round, divided by the batches sent, is its CPU per batch
create; the report gives each tree's median over the rounds and the ratio.

    python -m benchmarks.emulator_create_cpu [--baseline REF] [--rounds 8] [--batches 20]

``--baseline`` is a git revision of this repository (exported with ``git archive`` to a
temporary directory): the tree as it was before a change.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import msgspec

from hubpages_async.emulator.seed import realistic_page

from .emulator_throughput import _cpu_seconds

__all__ = ["main", "start_in"]

_ROOT = Path(__file__).resolve().parent.parent
_LISTENING = re.compile(r"listening on (http://\S+)")
_START_TIMEOUT_S = 60.0


def _export(ref: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(_ROOT), "archive", ref, "hubpages_async"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


def start_in(
    tree: Path, module_args: Sequence[str], *, pythonpath: str
) -> tuple[subprocess.Popen[str], str]:
    """Run ``python -m MODULE ARGS...`` from ``tree`` (so ``tree``'s package is the one
    imported) and wait for its "listening on URL" line; return the process and the URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", *module_args],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": pythonpath, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + _START_TIMEOUT_S
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        match = _LISTENING.search(line)
        if match:
            return proc, match.group(1)
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"{module_args[0]} in {tree} did not start")


def _start(tree: Path) -> tuple[subprocess.Popen[str], str]:
    args = ["hubpages_async.emulator", "--port", "0", "--rate-limit", "none"]
    return start_in(tree, [*args, "--daily-limit", "none"], pythonpath=str(tree))


def _bodies(rounds: int, batches: int, tag: str) -> list[list[bytes]]:
    rng = random.Random(20261201)
    out = []
    for r in range(rounds):
        row = []
        for b in range(batches):
            pages = [realistic_page((r * batches + b) * 100 + i, rng) for i in range(100)]
            row.append(msgspec.json.encode({"inputs": pages}))
        out.append(row)
    return out


async def _round(
    session: aiohttp.ClientSession, url: str, pid: int, bodies: Sequence[bytes]
) -> float:
    before = _cpu_seconds(pid) or 0.0
    for body in bodies:
        async with session.post(f"{url}/cms/v3/pages/site-pages/batch/create", data=body) as r:
            await r.read()
            if r.status != 201:
                raise RuntimeError(f"batch create answered {r.status}")
    after = _cpu_seconds(pid) or 0.0
    return (after - before) / len(bodies) * 1000


async def _measure(trees: dict[str, Path], rounds: int, batches: int) -> dict[str, list[float]]:
    bodies = _bodies(rounds, batches, "x")
    procs = {name: _start(tree) for name, tree in trees.items()}
    results: dict[str, list[float]] = {name: [] for name in trees}
    headers = {"Authorization": "Bearer bench", "Content-Type": "application/json"}
    try:
        async with aiohttp.ClientSession(headers=headers) as session:
            for r in range(rounds):
                order = list(procs) if r % 2 == 0 else list(reversed(procs))
                for name in order:
                    proc, url = procs[name]
                    results[name].append(await _round(session, url, proc.pid, bodies[r]))
    finally:
        for proc, _ in procs.values():
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and print one line per tree plus the ratio."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_create_cpu")
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare against")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--batches", type=int, default=20, help="batch creates per round")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _export(args.baseline, base)
        results = asyncio.run(
            _measure(
                {f"baseline {args.baseline}": base, "this tree": _ROOT}, args.rounds, args.batches
            )
        )
    medians = {name: statistics.median(v) for name, v in results.items()}
    for name, values in results.items():
        spread = ", ".join(f"{v:.1f}" for v in values)
        print(
            f"{name:>24}: {medians[name]:6.1f} ms CPU per 100-page batch create "
            f"(median of {len(values)} rounds: {spread})"
        )
    old, new = medians.values()
    print(f"{'ratio':>24}: {new / old:.2f} (this tree / baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
