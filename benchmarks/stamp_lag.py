"""How late the emulator counts a request: this tree against a baseline, side by side.

HubSpot counts a request against its rolling window when the request reaches its edge.
This measures the emulator's lag between a request's send and the moment its rate window
counts it, under scenario 3b's load: ``create_many`` (100-page batch creates, 32 in
flight) held to 190 per 10 s, against an emulator enforcing that limit with 0.5 s of
latency. Each tree's emulator runs in its own process (``benchmarks._traced_emulator``)
and the trees take turns; the client is this tree's. The send time is taken when aiohttp
starts the request (after the rate limiter let it go) and travels in a header. The
report gives, per tree: the median, 95th percentile and largest lag, the 429s the
client drew and the job's share of the ceiling.

    python -m benchmarks.stamp_lag [--baseline REF] [--rounds 2] [--pages 40000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import msgspec

from hubpages_async import HubPages, RateLimit
from hubpages_async.models import Page

from ._inputs import page_pool
from .emulator_create_cpu import _ROOT, _export, start_in
from .scenarios import CEILING_PAGES_PER_S

__all__ = ["main"]

_RATE = "190/10s"
_LATENCY_S = 0.5
_CONCURRENCY = 32


@dataclass
class _Tally:
    lags: list[float] = field(default_factory=list)
    n429: int = 0
    shares: list[float] = field(default_factory=list)


def _start(tree: Path, out: Path) -> tuple[subprocess.Popen[str], str]:
    # The tree's own package is imported; the probe comes from this checkout's benchmarks.
    probe = ["benchmarks._traced_emulator", str(out), repr(_LATENCY_S), _RATE]
    return start_in(tree, probe, pythonpath=f"{tree}{os.pathsep}{_ROOT}")


async def _mark_sent(
    _session: aiohttp.ClientSession,
    _ctx: SimpleNamespace,
    params: aiohttp.TraceRequestStartParams,
) -> None:
    # These are the headers the request goes out with (aiohttp builds it from them next).
    params.headers["X-Trace-Sent"] = repr(time.monotonic())


async def _create(url: str, pages: int, tally: _Tally) -> None:
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_mark_sent)
    pool = page_pool()

    def inputs() -> Iterator[Page]:
        for i in range(pages):
            yield msgspec.structs.replace(pool[i % len(pool)], slug=f"lag-{i}", name=f"lag {i}")

    async with HubPages(
        "bench",
        base_url=url,
        rate_limit=RateLimit.parse(_RATE),
        max_concurrency=_CONCURRENCY,
        trace_configs=[trace],
    ) as hs:
        started = time.monotonic()
        report = await hs.site_pages.create_many(
            inputs(),
            chunk_size=100,
            concurrency=_CONCURRENCY,
        )
        elapsed = time.monotonic() - started
        if report.succeeded != pages:
            raise RuntimeError(f"{report.succeeded} of {pages} pages created")
        tally.n429 += hs.stats.rate_limited_429
    tally.shares.append(pages / elapsed / CEILING_PAGES_PER_S)


def _run(trees: dict[str, Path], rounds: int, pages: int, tmp: Path) -> dict[str, _Tally]:
    tallies = {name: _Tally() for name in trees}
    for r in range(rounds):
        order = list(trees) if r % 2 == 0 else list(reversed(trees))
        for n, name in enumerate(order):
            out = tmp / f"pairs-{r}-{n}.json"
            proc, url = _start(trees[name], out)
            try:
                asyncio.run(_create(url, pages, tallies[name]))
            finally:
                proc.terminate()
                proc.wait(60)
            pairs = json.loads(out.read_text())
            tallies[name].lags += [counted - sent for sent, counted in pairs]
    return tallies


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; print one line per tree."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stamp_lag")
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare against")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", type=int, default=40_000, help="pages created per round")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        _export(args.baseline, base)
        tallies = _run(
            {f"baseline {args.baseline}": base, "this tree": _ROOT},
            args.rounds,
            args.pages,
            Path(tmp),
        )
    for name, tally in tallies.items():
        lags = sorted(tally.lags)
        p95 = lags[int(0.95 * (len(lags) - 1))]
        shares = ", ".join(f"{s:.1%}" for s in tally.shares)
        print(
            f"{name:>24}: {len(lags)} requests, lag from send to count: median "
            f"{statistics.median(lags) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max "
            f"{lags[-1] * 1000:.0f} ms; {tally.n429} 429s; share of the ceiling {shares}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
