"""What one admission costs: RedisLimiter's script beside ``limits``' moving window.

``python -m benchmarks.redis_admission [--n 3000]`` (``pip install limits`` for its row)

Both are one atomic Lua script per admission. The figures are sequential admissions well
under the limit (so nobody waits), against a local redis-server started for the run.
What the table cannot show, and decided the choice: ``limits`` stamps an entry with the
caller's ``time.time()`` (hosts whose clocks disagree disagree about the window), and it
only admits or refuses, so a refused caller must poll and waiters are not served in order.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from hubpages_async import RateLimit
from hubpages_async.limiters import RedisLimiter

from .multiprocess import RedisProcess


async def _ours(url: str, n: int) -> float:
    limiter = RedisLimiter(url, token="bench", rate=RateLimit(n * 10, 1.0))
    async with limiter:
        await limiter.acquire()  # the cold-start probe
        limiter._probing.set(False)
        await limiter._run(
            "SYNC",
            [limiter._keys[0], limiter._keys[3], limiter._keys[2]],
            [1, n * 10, n * 10, 1000, 1, 0],
        )
        started = time.perf_counter()
        for _ in range(n):
            await limiter.acquire()
        return (time.perf_counter() - started) / n


async def _limits(url: str, n: int) -> float | None:
    try:
        from limits import RateLimitItemPerSecond
        from limits.aio.storage import RedisStorage
        from limits.aio.strategies import MovingWindowRateLimiter
    except ImportError:
        return None
    storage = RedisStorage(url.replace("redis://", "async+redis://"), implementation="redispy")
    strategy = MovingWindowRateLimiter(storage)
    item = RateLimitItemPerSecond(n * 10)
    await strategy.hit(item, "bench")
    started = time.perf_counter()
    for _ in range(n):
        assert await strategy.hit(item, "bench")
    return (time.perf_counter() - started) / n


async def _main(n: int) -> list[tuple[str, float | None]]:
    with tempfile.TemporaryDirectory() as tmp:
        redis = RedisProcess(Path(tmp))
        try:
            return [
                ("RedisLimiter (reserving Lua script, Redis TIME)", await _ours(redis.url, n)),
                (
                    "limits MovingWindowRateLimiter.hit (Lua, caller's clock)",
                    await _limits(redis.url, n),
                ),
            ]
        finally:
            redis.stop()


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.redis_admission")
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    rows = asyncio.run(_main(args.n))
    print("| admission | per call |")
    print("|---|---:|")
    for name, seconds in rows:
        cell = f"{seconds * 1e6:.0f} µs" if seconds is not None else "limits not installed"
        print(f"| {name} | {cell} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
