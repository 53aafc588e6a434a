"""The limiter re-dates a send held back far longer than the others, and only that.

On a virtual clock the test plays the network: a window's sends go out at once, their
answers arrive when the test says, and the server counts each send ``lag`` seconds after
it left. Each request runs in its own task, as the client core runs them.
"""

from __future__ import annotations

import anyio
import anyio.abc
from anyio import wait_all_tasks_blocked
from anyio.lowlevel import checkpoint

from hubpages_async import RateLimit, SlidingWindowLimiter

from ._support import FakeTime
from .test_throttle import max_in_window

LIMIT, WINDOW = 20, 2.0
RATE = RateLimit(requests=LIMIT, per_seconds=WINDOW, headroom=0.0, margin=0.02)
FAST, LATE = 0.01, 0.5


async def _request(
    limiter: SlidingWindowLimiter, clock: FakeTime, answered: anyio.Event, admitted: list[float]
) -> None:
    await limiter.acquire()
    admitted.append(clock.now)
    await answered.wait()
    limiter.release()


async def _first_window(
    tg: anyio.abc.TaskGroup, limiter: SlidingWindowLimiter, clock: FakeTime, rtts: list[float]
) -> None:
    """``len(rtts)`` sends at once, then their answers in the order they arrive."""
    start = clock.now
    events = [anyio.Event() for _ in rtts]
    sent: list[float] = []
    for event in events:
        tg.start_soon(_request, limiter, clock, event, sent)
    await wait_all_tasks_blocked()
    assert sent == [start] * len(rtts)
    for i in sorted(range(len(rtts)), key=lambda i: rtts[i]):
        clock.now = start + rtts[i]
        events[i].set()
        await wait_all_tasks_blocked()


async def _next_window(limiter: SlidingWindowLimiter, clock: FakeTime, n: int) -> list[float]:
    """``n`` more sends, each answered at once; return when each was let through."""
    admitted: list[float] = []
    for _ in range(n):
        answered = anyio.Event()
        answered.set()
        async with anyio.create_task_group() as tg:
            tg.start_soon(_request, limiter, clock, answered, admitted)
        await checkpoint()
    return admitted


async def test_one_send_counted_late_among_fast_ones_keeps_its_slot_until_the_server_frees_it(
    fake_time: FakeTime,
) -> None:
    limiter = SlidingWindowLimiter(RATE, clock=fake_time.clock, sleep=fake_time.sleep)
    start = fake_time.now
    rtts = [FAST] * LIMIT
    rtts[-1] = FAST + LATE  # one request held back before the server's counter
    async with anyio.create_task_group() as tg:
        await _first_window(tg, limiter, fake_time, rtts)
    later = await _next_window(limiter, fake_time, LIMIT)
    counted = [start] * (LIMIT - 1) + [start + LATE] + later
    assert max_in_window(sorted(counted), WINDOW) <= LIMIT
    # Nineteen slots opened together, a window (and its margin) after the sends; the
    # late one's no sooner than a window after the server counted it, plus the margin.
    assert len(set(later[: LIMIT - 1])) == 1
    assert start + WINDOW + RATE.margin <= later[0] < start + LATE + WINDOW
    assert later[-1] >= start + LATE + WINDOW + RATE.margin - 1e-9


async def test_a_delay_most_sends_share_moves_nothing(fake_time: FakeTime) -> None:
    limiter = SlidingWindowLimiter(RATE, clock=fake_time.clock, sleep=fake_time.sleep)
    start = fake_time.now
    rtts = [FAST, FAST + LATE] * (LIMIT // 2)  # half of them slow: the spread's job
    async with anyio.create_task_group() as tg:
        await _first_window(tg, limiter, fake_time, rtts)
    later = await _next_window(limiter, fake_time, LIMIT)
    # Every slot opened at the same moment, a window (its margin widened by the spread)
    # after the sends: no entry was re-dated.
    assert len(set(later)) == 1
    assert start + WINDOW + RATE.margin < later[0] < start + LATE + WINDOW
