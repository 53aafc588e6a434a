"""The rolling-window limiter on a virtual clock: it never lets N+1 sends into any
window, keeps arrival order, and pauses everyone on server feedback."""

from __future__ import annotations

import time

import anyio
import anyio.lowlevel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubpages_async import Limiter, RateLimit, SlidingWindowLimiter, SteadyLimiter, errors
from hubpages_async._sansio import RateLimitInfo

from ._support import FakeTime


def max_in_window(times: list[float], window: float) -> int:
    """The most sends in any half-open window ``(t - window, t]`` (to the microsecond:
    the limiter's own precision; its margin is a tenth of a second)."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - window + 1e-6:
            start += 1
        best = max(best, end - start + 1)
    return best


def make(fake_time: FakeTime, rate: RateLimit) -> SlidingWindowLimiter:
    return SlidingWindowLimiter(rate, clock=fake_time.clock, sleep=fake_time.sleep)


def test_default_is_the_free_tier_with_headroom() -> None:
    rate = RateLimit()
    assert (rate.requests, rate.per_seconds) == (100, 10.0)
    assert rate.effective_requests == 98
    assert rate.effective_window == pytest.approx(10.1)


@pytest.mark.parametrize(
    ("tier", "requests"),
    [
        ("free", 100),
        ("starter", 100),
        ("public_app", 110),
        ("oauth", 110),
        ("professional", 190),
        ("Enterprise", 190),
        ("capacity-pack", 250),
    ],
)
def test_tier_presets(tier: str, requests: int) -> None:
    rate = RateLimit.tier(tier)
    assert rate.requests == requests
    assert rate.per_seconds == 10.0
    assert rate.effective_requests < requests


def test_unknown_tier_and_bad_values() -> None:
    with pytest.raises(errors.ValidationError, match="tier"):
        RateLimit.tier("platinum")
    with pytest.raises(errors.ValidationError, match="requests"):
        RateLimit(requests=0)
    with pytest.raises(errors.ValidationError, match="per_seconds"):
        RateLimit(per_seconds=0)
    with pytest.raises(errors.ValidationError, match="headroom"):
        RateLimit(headroom=1)
    with pytest.raises(errors.ValidationError, match="rate_limit"):
        RateLimit.parse("fast")


def test_parse() -> None:
    assert RateLimit.parse("190/10s") == RateLimit(requests=190, per_seconds=10)
    assert RateLimit.parse(" 5 / 1.5 ") == RateLimit(requests=5, per_seconds=1.5)


def test_the_default_limiter_satisfies_the_protocol() -> None:
    assert isinstance(SlidingWindowLimiter(), Limiter)


async def test_a_burst_of_200_never_exceeds_the_window(fake_time: FakeTime) -> None:
    rate = RateLimit(requests=100, per_seconds=10)
    limiter = make(fake_time, rate)
    sent: list[tuple[int, float]] = []

    async def one(i: int) -> None:
        await limiter.acquire()
        sent.append((i, fake_time.now))

    async with anyio.create_task_group() as tg:
        for i in range(200):
            tg.start_soon(one, i)
    times = [t for _, t in sent]
    assert len(times) == 200
    assert max_in_window(times, rate.effective_window) == rate.effective_requests
    # and on HubSpot's own (shorter) window, with room to spare
    assert max_in_window(times, rate.per_seconds) <= rate.requests
    # not over-cautious: the third wave starts exactly two (padded) windows in
    assert times[-1] - times[0] == pytest.approx(2 * rate.effective_window)


async def test_a_plain_leaky_bucket_would_have_allowed_nearly_double(fake_time: FakeTime) -> None:
    # What the sliding log prevents: a bucket of 100 refilled at 10/s lets 100 go at
    # t=0 and then 10 per second, i.e. ~190 within the first 10 s.
    times = [0.0] * 100 + [0.1 * k for k in range(1, 100)]
    assert max_in_window(times, 10.0) > 150
    limiter = make(fake_time, RateLimit(requests=100, per_seconds=10, headroom=0, margin=0))
    ours = []
    for _ in range(199):
        await limiter.acquire()
        ours.append(fake_time.now)
    assert max_in_window(ours, 10.0) == 100


async def test_waiters_are_served_in_arrival_order(fake_time: FakeTime) -> None:
    limiter = make(fake_time, RateLimit(requests=2, per_seconds=1, headroom=0, margin=0))
    order: list[int] = []

    async def one(i: int) -> None:
        await limiter.acquire()
        order.append(i)

    async with anyio.create_task_group() as tg:
        for i in range(9):
            tg.start_soon(one, i)
            await anyio.lowlevel.checkpoint()  # let task i queue before task i+1 starts
    assert order == list(range(9))


@settings(max_examples=60, deadline=None)
@given(
    requests=st.integers(1, 12),
    window=st.floats(0.5, 20),
    gaps=st.lists(st.floats(0, 3), min_size=1, max_size=80),
)
def test_property_no_window_ever_holds_more_than_the_limit(
    requests: int, window: float, gaps: list[float]
) -> None:
    async def scenario() -> list[float]:
        clock = FakeTime()
        limiter = make(
            clock, RateLimit(requests=requests, per_seconds=window, headroom=0, margin=0)
        )
        times = []
        for gap in gaps:
            clock.now += gap  # the caller's own pace
            waited = await limiter.acquire()
            assert waited >= 0
            times.append(clock.now)
        return times

    times = anyio.run(scenario)
    assert max_in_window(times, window) <= requests
    # exact: any requests+1 consecutive sends span at least one whole window
    for i in range(len(times) - requests):
        assert times[i + requests] - times[i] >= window - 1e-5


async def test_acquire_reports_the_wait(fake_time: FakeTime) -> None:
    limiter = make(fake_time, RateLimit(requests=1, per_seconds=5, headroom=0, margin=0))
    assert await limiter.acquire() == 0.0
    assert await limiter.acquire() == pytest.approx(5.0)


async def test_pause_until_holds_everyone_and_never_shortens(fake_time: FakeTime) -> None:
    limiter = make(fake_time, RateLimit(requests=100, per_seconds=10))
    start = fake_time.now
    limiter.pause_until(start + 4)
    limiter.pause_until(start + 1)  # an earlier deadline does not shorten the pause
    await limiter.acquire()
    assert fake_time.now == pytest.approx(start + 4)


@pytest.mark.parametrize(
    ("info", "pause"),
    [
        (RateLimitInfo(rate_limited=True, retry_after=3.0, interval=10.0), 3.0),
        (RateLimitInfo(rate_limited=True, interval=10.0), 10.0),
        (RateLimitInfo(rate_limited=True), 7.0),  # no hint: one whole configured window
        (RateLimitInfo(remaining=0, interval=2.0), 2.0),
        (RateLimitInfo(remaining=1, interval=2.0), 0.0),
        (RateLimitInfo(), 0.0),
    ],
)
async def test_feedback_pauses(fake_time: FakeTime, info: RateLimitInfo, pause: float) -> None:
    limiter = make(fake_time, RateLimit(requests=100, per_seconds=7))
    start = fake_time.now
    limiter.feedback(info)
    await limiter.acquire()
    assert fake_time.now - start == pytest.approx(pause)
    limiter.release()  # a no-op for the in-process limiter


@pytest.mark.parametrize(
    ("own_sends", "expected_wait"),
    [
        # All 10 counted sends are ours: the log frees a slot when the oldest ages out
        # (1 s from now), no need to sit out the whole 10 s interval.
        (10, 1.0),
        # The server counts sends we did not make (another process on the token):
        # the interval is the only safe pause.
        (4, 10.0),
    ],
)
async def test_remaining_zero_pauses_only_when_the_log_cannot_account_for_it(
    fake_time: FakeTime, own_sends: int, expected_wait: float
) -> None:
    limiter = make(fake_time, RateLimit(requests=10, per_seconds=10, headroom=0, margin=0))
    for _ in range(own_sends):
        await limiter.acquire()
    fake_time.now += 9.0
    start = fake_time.now
    limiter.feedback(RateLimitInfo(max=10, remaining=0, interval=10.0))
    await limiter.acquire()
    assert fake_time.now - start == pytest.approx(expected_wait)


async def test_an_answer_that_crosses_a_window_edge_is_read_as_of_its_send(
    fake_time: FakeTime,
) -> None:
    # Five sends at t=0, five more at t=9.5. The last one's answer comes back a second
    # later, at 10.5, with Remaining: 0: the server counted all ten when it stamped it
    # (at 9.5). By 10.5 the five sends of t=0 have left both windows, so five may go
    # now. Read against the log as it is at 10.5 (five sends), that Remaining: 0 looked
    # like five sends made elsewhere and a full window nobody accounts for: the limiter
    # entered five phantom sends and paused everyone for the whole 10 s interval.
    limiter = make(fake_time, RateLimit(requests=10, per_seconds=10, headroom=0, margin=0.1))
    start = fake_time.now
    for _ in range(5):
        await limiter.acquire()
    fake_time.now = start + 9.5
    for _ in range(5):
        await limiter.acquire()
    fake_time.now = start + 10.5
    limiter.release()
    limiter.feedback(RateLimitInfo(max=10, remaining=0, interval=10.0))
    for _ in range(5):
        assert await limiter.acquire() == 0.0
    # The window stays exact: the next one waits for the sends of 9.5 to leave it.
    await limiter.acquire()
    assert fake_time.now == pytest.approx(start + 9.5 + limiter.window)


async def test_sends_the_log_cannot_explain_are_still_entered(fake_time: FakeTime) -> None:
    # The same answer with only the sends of t=9.5 ours: five the server counted were
    # someone else's, and they hold their slots until they leave the server's window.
    limiter = make(fake_time, RateLimit(requests=10, per_seconds=10, headroom=0, margin=0.1))
    start = fake_time.now
    fake_time.now = start + 9.5
    for _ in range(5):
        await limiter.acquire()
    fake_time.now = start + 10.0
    limiter.release()
    limiter.feedback(RateLimitInfo(max=10, remaining=0, interval=10.0))
    assert await limiter.acquire() == pytest.approx(10.0)


async def test_cancelled_waiter_does_not_block_the_queue(fake_time: FakeTime) -> None:
    limiter = make(fake_time, RateLimit(requests=1, per_seconds=10, headroom=0, margin=0))
    start = fake_time.now
    await limiter.acquire()
    with anyio.move_on_after(0) as scope:  # cancelled while it would wait
        await limiter.acquire()
    assert scope.cancelled_caught
    # The cancelled waiter neither holds the queue nor took a slot: the next one gets
    # the slot that frees when the first send leaves the window.
    assert await limiter.acquire() == pytest.approx(10.0)
    assert fake_time.now == pytest.approx(start + 10.0)


def test_steady_limiter_refuses_a_burst_that_leaves_no_drain() -> None:
    with pytest.raises(errors.ValidationError, match="burst"):
        SteadyLimiter(RateLimit(requests=10, per_seconds=1, headroom=0), burst=10)
    assert isinstance(SteadyLimiter(RateLimit(requests=1, per_seconds=1)), Limiter)


async def test_steady_limiter_is_exact_and_even_on_the_loop_clock() -> None:
    # aiolimiter reads the event loop's clock, so this one runs in (short) real time.
    rate = RateLimit(requests=20, per_seconds=0.5, headroom=0, margin=0)
    limiter = SteadyLimiter(rate, burst=2)
    sent: list[float] = []
    for _ in range(50):
        await limiter.acquire()
        sent.append(time.monotonic())
    for i in range(len(sent) - rate.requests):
        assert sent[i + rate.requests] - sent[i] >= rate.per_seconds - 1e-3
    # No burst beyond ``burst`` plus what drains meanwhile (the log alone sends 20 at once).
    densest = max(sum(1 for u in sent if t <= u < t + 0.05) for t in sent)
    assert densest <= 6
