"""Several real ``hubpages import`` processes on one token, one real redis-server.

The emulator runs in the test's loop with ``record_attempts``, so every window is counted
from the server's own record (refusals included); the workers are child processes.
A 30-per-second window keeps each test to seconds.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import anyio
import msgspec
import pytest

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.limits import busiest_window

from .conftest import RedisServer

pytestmark = pytest.mark.timeout(90)

LIMIT, WINDOW = 30, 1.0
# Enough pages that the span when all four processes run dwarfs their staggered starts
# (process start-up on a loaded machine took up to a few seconds).
PER_WORKER = 100
CLI = [sys.executable, "-m", "hubpages_async.cli"]


@dataclass(frozen=True)
class Done:
    code: int
    stdout: str
    stderr: str


def _pages_file(path: Path, prefix: str, n: int) -> Path:
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
    return path


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HUBSPOT_ACCESS_TOKEN",)}
    env.pop("HUBPAGES_LIMITER_URL", None)
    env.update({"PYTHONUNBUFFERED": "1", "NO_COLOR": "1"})
    return env


def _import_argv(source: Path, emu: Emulator, limiter: str | None, concurrency: int) -> list[str]:
    argv = [*CLI, "import", str(source), "--type", "site-pages", "--base-url", emu.url]
    argv += ["--rate-limit", f"{LIMIT}/{WINDOW:g}s", "--chunk-size", "1", "-q"]
    argv += ["--concurrency", str(concurrency), "--journal", str(source) + ".journal"]
    if limiter is not None:
        argv += ["--limiter", limiter]
    return argv


async def _run_all(argvs: Sequence[list[str]]) -> list[Done]:
    results: list[Done | None] = [None] * len(argvs)

    async def one(i: int) -> None:
        done = await anyio.run_process(argvs[i], env=_env(), check=False)
        results[i] = Done(done.returncode, done.stdout.decode(), done.stderr.decode())

    async with anyio.create_task_group() as tg:
        for i in range(len(argvs)):
            tg.start_soon(one, i)
    return [r for r in results if r is not None]


def _attempts(emu: Emulator) -> tuple[list[float], int]:
    attempts = emu.app.limiter.attempts
    assert attempts is not None
    return [a.time for a in attempts], sum(1 for a in attempts if not a.admitted)


def _slugs(emu: Emulator) -> Counter[str]:
    return Counter(str(p.slug) for p in emu.store.pages("site-pages"))


def _emulator() -> Emulator:
    return Emulator(rate_limit=f"{LIMIT}/{WINDOW:g}s", daily_limit=None, record_attempts=True)


async def test_four_processes_share_one_window_fairly(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    async with _emulator() as emu:
        files = [_pages_file(tmp_path / f"w{i}.jsonl", f"w{i}", PER_WORKER) for i in range(4)]
        done = await _run_all([_import_argv(f, emu, redis_server.url, 4) for f in files])
        assert [d.code for d in done] == [0] * 4, [d.stderr[-500:] for d in done]
        times, refused = _attempts(emu)
        # Pages are numbered in the order the server created them.
        order = [str(p.slug).split("-")[0] for p in emu.store.pages("site-pages")]
    assert refused == 0
    assert busiest_window(times, WINDOW) <= LIMIT
    assert len(times) >= 4 * PER_WORKER
    assert sum(json.loads(d.stdout)["created"] for d in done) == 4 * PER_WORKER
    # Over the span when all four were running, each created its quarter, within 10%.
    start = max(order.index(w) for w in set(order))
    end = min(len(order) - 1 - order[::-1].index(w) for w in set(order))
    shares = Counter(order[start : end + 1])
    total = sum(shares.values())
    assert total >= 100, shares
    for worker, count in shares.items():
        assert abs(count / total - 0.25) <= 0.025, (worker, shares)


async def test_independent_limiters_overrun_the_same_window(tmp_path: Path) -> None:
    """The failure the shared limiter exists for: each process spends the whole budget."""
    async with _emulator() as emu:
        files = [_pages_file(tmp_path / f"w{i}.jsonl", f"w{i}", 40) for i in range(3)]
        done = await _run_all([_import_argv(f, emu, None, 4) for f in files])
        assert [d.code for d in done] == [0] * 3, [d.stderr[-500:] for d in done]
        times, refused = _attempts(emu)
    assert refused > 0
    assert busiest_window(times, WINDOW) > LIMIT


async def _kill_when(emu: Emulator, requests: int, redis: RedisServer) -> None:
    with anyio.fail_after(30):
        while len(emu.request_log) < requests:  # noqa: ASYNC110 - the log has no event
            await anyio.sleep(0.02)
    redis.kill()


async def test_redis_killed_mid_job_fails_cleanly_and_rerun_resumes(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    async with _emulator() as emu:
        files = [_pages_file(tmp_path / f"w{i}.jsonl", f"w{i}", 50) for i in range(2)]
        argvs = [_import_argv(f, emu, redis_server.url, 4) for f in files]
        async with anyio.create_task_group() as tg:
            tg.start_soon(_kill_when, emu, 40, redis_server)
            first = await _run_all(argvs)
        assert all(d.code != 0 for d in first), [d.stderr[-300:] for d in first]
        assert all("LimiterUnavailableError" in d.stderr for d in first)
        assert "Traceback" not in "".join(d.stderr for d in first)
        assert len(_slugs(emu)) < 100
        redis_server.start()  # empty: a restart without persistence
        again = await _run_all(argvs)
        assert [d.code for d in again] == [0, 0], [d.stderr[-500:] for d in again]
        times, refused = _attempts(emu)
        slugs = _slugs(emu)
    assert sorted(slugs) == sorted(f"w{w}-{i}" for w in range(2) for i in range(50))
    assert set(slugs.values()) == {1}  # none lost, none duplicated
    assert refused == 0
    assert busiest_window(times, WINDOW) <= LIMIT


async def test_redis_killed_mid_job_local_fallback_carries_on(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    url = redis_server.url + "?on_error=local&share=0.5"
    async with _emulator() as emu:
        files = [_pages_file(tmp_path / f"w{i}.jsonl", f"w{i}", 80) for i in range(2)]
        argvs = [_import_argv(f, emu, url, 4) for f in files]

        outage: list[int] = []

        async def kill_and_restart() -> None:
            await _kill_when(emu, 40, redis_server)
            outage.append(len(emu.request_log))
            await anyio.sleep(3 * WINDOW)
            outage.append(len(emu.request_log))
            redis_server.start()

        async with anyio.create_task_group() as tg:
            tg.start_soon(kill_and_restart)
            done = await _run_all(argvs)
        times, refused = _attempts(emu)
        slugs = _slugs(emu)
    assert [d.code for d in done] == [0, 0], [d.stderr[-500:] for d in done]
    assert outage[1] > outage[0]  # pages went on being created while Redis was down
    assert sorted(slugs) == sorted(f"w{w}-{i}" for w in range(2) for i in range(80))
    assert set(slugs.values()) == {1}
    assert refused == 0
    assert busiest_window(times, WINDOW) <= LIMIT


async def test_unreachable_redis_fails_before_anything_is_sent(tmp_path: Path) -> None:
    async with _emulator() as emu:
        source = _pages_file(tmp_path / "w.jsonl", "w", 5)
        port = RedisServer("redis-server", tmp_path).port  # a free port, nobody listening
        (done,) = await _run_all([_import_argv(source, emu, f"redis://127.0.0.1:{port}/0", 2)])
        assert done.code != 0
        assert "LimiterUnavailableError" in done.stderr
        assert "Traceback" not in done.stderr
        assert emu.request_log == []
