"""The progress model behind every display: per-phase counters, ETA, interruption."""

from __future__ import annotations

from typing import Any

import pytest

from hubpages_async.cli._progress import BulkCounter, Progress, allowed_rate, health


class _Stats:
    """A client's counters, moved by hand."""

    def __init__(self) -> None:
        self.values: dict[str, float] = dict.fromkeys(
            ("requests", "retries", "rate_limited", "waited", "sleep_started", "sleep_until"), 0.0
        )

    def __call__(self) -> dict[str, float]:
        return dict(self.values)


def test_counters_belong_to_the_phase_and_freeze_when_it_ends() -> None:
    stats = _Stats()
    progress = Progress(stats)
    first = progress.start("folders", 3)
    stats.values.update(requests=5, retries=2, rate_limited=1, waited=1.5)
    second = progress.start("pages", 10)
    stats.values.update(requests=9, retries=3, rate_limited=1, waited=4.0)
    assert progress.counters(first) == {
        "requests": 5,
        "retries": 2,
        "rate_limited": 1,
        "waited": 1.5,
    }
    assert progress.counters(second) == {
        "requests": 4,
        "retries": 1,
        "rate_limited": 0,
        "waited": 2.5,
    }
    stats.values.update(retries=10)
    assert progress.counters(first)["retries"] == 2  # a finished row stays as it was


def test_the_eta_uses_the_rate_the_limiter_allows_not_the_opening_burst() -> None:
    stats = _Stats()
    # 10 requests per 10 s: 9 per 10.1 s once headroom and margin are taken.
    progress = Progress(stats, requests_per_second=allowed_rate(10, 10.0))
    phase = progress.start("export", 10_000)
    # The opening burst: 9 pages of 100 in the first second.
    stats.values["requests"] = 9
    progress.advance(900)
    now = phase.started + 1.0
    assert phase.rate(now) == pytest.approx(900.0)
    eta = progress.eta(phase, now)
    # 9,100 pages left at 100 pages per request and 9/10.1 requests per second.
    assert eta == pytest.approx(9100 / (100 * 9 / 10.1))
    assert eta is not None
    assert eta > 9100 / 900 * 10  # ten times the 10 s that the burst rate would promise


def test_a_live_wait_shows_and_counts_while_the_limiter_sleeps() -> None:
    stats = _Stats()
    progress = Progress(stats)
    phase = progress.start("export", 100)
    now = phase.started + 2.0
    stats.values.update(waited=0.0, sleep_started=phase.started + 1.0, sleep_until=now + 6.0)
    wait = progress.wait(phase, now)
    assert wait is not None
    assert wait.left == pytest.approx(6.0)
    assert progress.counters(phase, now)["waited"] == pytest.approx(1.0)
    assert "waiting for the rate limit, 6s left" in health(progress, phase, now)
    stats.values.update(sleep_until=now + 0.2)  # the steady pace at the limit: not news
    assert progress.wait(phase, now) is None


def test_leaving_by_an_exception_marks_the_phase_interrupted_where_it_stopped() -> None:
    progress = Progress()

    def work() -> None:
        with progress:
            progress.start("import", 80)
            progress.advance(57)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        work()
    (phase,) = progress.phases
    assert phase.interrupted
    assert (phase.completed, phase.total) == (57, 80)


def test_bulk_counter_turns_cumulative_events_into_increments() -> None:
    class _Chunk:
        reconciled = 2
        resubmitted = 1

    class _Event:
        def __init__(self, ok: int, failed: int) -> None:
            self.succeeded, self.failed, self.chunk = ok, failed, _Chunk()

    progress = Progress()
    phase = progress.start("create", 30)
    counter = BulkCounter(progress)
    events: list[Any] = [_Event(10, 0), _Event(18, 2), _Event(28, 2)]
    for event in events:
        counter(event)
    assert (phase.completed, phase.failed, phase.reconciled, phase.resubmitted) == (30, 2, 6, 3)
