"""Scenario 7: several ``hubpages import`` processes on one token, one budget.

``python -m benchmarks.multiprocess [--processes 4 8] [--requests 1000]``

For each process count, three ways to run the same job side by side in one run, against
an emulator enforcing 190 requests per 10 s (0.1 s latency) that keeps a record of every
attempt, refusals included:

- ``redis``: every process with ``--limiter redis://...`` (one shared RedisLimiter);
- ``independent``: every process with its own in-process limiter at the full budget;
- ``static split``: every process with its own limiter at 1/N of the budget.

Each process imports its own file with two pages per batch request, so the job is at
least ``--requests`` requests in all. Figures come from the emulator's own record: the
combined rate as a share of the limit (the shortest span in which the limit admits that
many requests, ``floor((R - 1) / limit) x window``, over the span they took), 429s, the
busiest rolling window of attempts, each process's share of the pages the server created
while all of them were running, and the time to finish. A redis-server (Debian's
package) is started on a free port without persistence for the ``redis`` rows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import msgspec

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.limits import busiest_window

LIMIT, WINDOW = 190, 10.0
PAGES_PER_REQUEST = 2
RESULTS = Path(__file__).resolve().parent / "results"
MODES = ("redis", "independent", "static split")


@dataclass(slots=True)
class Row:
    """One line of the table."""

    processes: int
    mode: str
    requests: int
    share_of_limit: float
    n429: int
    busiest_window: int
    process_share_min: float
    process_share_max: float
    finish_s: float
    failed_processes: int


class RedisProcess:
    """redis-server on 127.0.0.1, a free port, no RDB and no AOF."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("scenario 7 needs redis-server (apt-get install redis-server)")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        argv = [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(workdir)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit("redis-server did not answer within 10 s")

    @property
    def url(self) -> str:
        """Where the shared limiter lives."""
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        """Stop the server."""
        self.proc.terminate()
        self.proc.wait(10)


def _write_inputs(path: Path, prefix: str, n: int) -> None:
    rows = [
        {
            "name": f"{prefix} {i}",
            "templatePath": "@hubspot/growth/templates/paid-consultation.html",
            "slug": f"{prefix}-{i}",
            "language": "en",
        }
        for i in range(n)
    ]
    path.write_bytes(b"\n".join(msgspec.json.encode(r) for r in rows) + b"\n")


async def _run_mode(
    processes: int, mode: str, requests: int, workdir: Path, redis_url: str | None
) -> Row:
    pages_each = -(-requests * PAGES_PER_REQUEST // processes)
    rate = f"{LIMIT // processes if mode == 'static split' else LIMIT}/{WINDOW:g}s"
    env = {k: v for k, v in os.environ.items() if k != "HUBSPOT_ACCESS_TOKEN"}
    env.pop("HUBPAGES_LIMITER_URL", None)
    async with Emulator(
        rate_limit=f"{LIMIT}/{WINDOW:g}s", daily_limit=None, latency=0.1, record_attempts=True
    ) as emu:
        argvs = []
        for i in range(processes):
            source = workdir / f"{mode.replace(' ', '-')}-{processes}-{i}.jsonl"
            _write_inputs(source, f"p{i}", pages_each)
            argv = [sys.executable, "-m", "hubpages_async.cli", "import", str(source)]
            argv += ["--type", "site-pages", "--base-url", emu.url, "--rate-limit", rate, "-q"]
            argv += ["--chunk-size", str(PAGES_PER_REQUEST), "--concurrency", "4", "--no-journal"]
            if mode == "redis":
                assert redis_url is not None
                argv += ["--limiter", redis_url]
            argvs.append(argv)
        started = time.monotonic()
        procs = [
            await asyncio.create_subprocess_exec(
                *argv, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
            )
            for argv in argvs
        ]
        try:
            codes = [await p.wait() for p in procs]
        finally:  # interrupted: leave no importer behind
            for p in procs:
                if p.returncode is None:
                    p.kill()
                    await p.wait()
        finish = time.monotonic() - started
        attempts = emu.app.limiter.attempts or []
        order = [str(p.slug).split("-")[0] for p in emu.store.pages("site-pages")]
    admitted = [a.time for a in attempts if a.admitted]
    span = max(admitted) - min(admitted) if admitted else 0.0
    forced = (len(admitted) - 1) // LIMIT * WINDOW
    shares = _shares_while_all_ran(order, processes)
    return Row(
        processes=processes,
        mode=mode,
        requests=len(attempts),
        share_of_limit=forced / span if span else 1.0,
        n429=sum(1 for a in attempts if not a.admitted),
        busiest_window=busiest_window([a.time for a in attempts], WINDOW),
        process_share_min=min(shares),
        process_share_max=max(shares),
        finish_s=finish,
        failed_processes=sum(1 for c in codes if c != 0),
    )


def _shares_while_all_ran(order: list[str], processes: int) -> list[float]:
    """Each process's share of the pages created (in the server's order) between the
    last process's first page and the first process's last page."""
    names = [f"p{i}" for i in range(processes)]
    if not order or any(n not in order for n in names):
        return [0.0] * processes
    start = max(order.index(n) for n in names)
    end = min(len(order) - 1 - order[::-1].index(n) for n in names)
    span = Counter(order[start : end + 1])
    total = sum(span.values()) or 1
    return [span[n] / total for n in names]


def _table(rows: list[Row]) -> str:
    lines = [
        "| processes | limiter | requests | share of the limit | 429s | busiest 10 s window "
        "| per-process share | time to finish |",
        "|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        failed = f" ({r.failed_processes} failed)" if r.failed_processes else ""
        lines.append(
            f"| {r.processes} | {r.mode}{failed} | {r.requests} | {r.share_of_limit:.1%} "
            f"| {r.n429} | {r.busiest_window} / {LIMIT} "
            f"| {r.process_share_min:.1%}-{r.process_share_max:.1%} | {r.finish_s:.1f} s |"
        )
    return "\n".join(lines)


async def _main(processes: list[int], requests: int) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="scenario7-") as tmp:
        workdir = Path(tmp)
        redis = RedisProcess(workdir)
        try:
            for n in processes:
                for mode in MODES:
                    row = await _run_mode(n, mode, requests, workdir, redis.url)
                    print(_table([row]).splitlines()[-1], file=sys.stderr, flush=True)
                    rows.append(row)
                    await asyncio.sleep(1.0)
        finally:
            redis.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run scenario 7 and write ``results/scenario7-<stamp>.{md,json}``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.multiprocess")
    parser.add_argument("--processes", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--requests", type=int, default=1000, help="at least this many in all")
    parser.add_argument("--stem", default=time.strftime("scenario7-%Y%m%d-%H%M"))
    args = parser.parse_args(argv)
    rows = asyncio.run(_main(args.processes, args.requests))
    table = _table(rows)
    head = (
        f"Scenario 7: {args.requests}+ requests by N `hubpages import` processes on one "
        f"token, emulator at {LIMIT}/{WINDOW:g}s with 0.1 s latency\n\n"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.stem}.md").write_text(head + table + "\n")
    (RESULTS / f"{args.stem}.json").write_text(json.dumps([asdict(r) for r in rows], indent=2))
    print(head + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
