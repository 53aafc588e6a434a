"""Progress on stderr: what each phase of a command has done, and how it is shown.

One :class:`Progress` keeps the truth about every phase (counts, its own clock, and
the client's counters *since the phase began*, frozen when it ends), whatever shows
it: a rich bar on a terminal (:mod:`._progress_rich`), a plain status line every few
seconds on a terminal without rich (:mod:`._progress_plain`), or nothing at all when
stderr is not a terminal or ``--quiet`` is given. Summaries read the same phases, so
the rate a bar shows and the rate the summary prints are one number.

The client's counters are read at render time from a ``stats`` callable, which also
reports the limiter's current sleep: a rate-limit pause shows, counting down, while
it lasts. The ETA divides what is left by the rate the limiter will allow once the
opening burst is spent, never by the burst itself.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, TextIO

__all__ = [
    "BulkCounter",
    "NullProgress",
    "Phase",
    "Progress",
    "StatsSource",
    "Wait",
    "make_progress",
    "rich_available",
]

#: The client's live counters: ``requests``, ``retries``, ``rate_limited``, ``waited``
#: (seconds), and while the limiter sleeps ``sleep_started``/``sleep_until`` (else 0).
StatsSource = Callable[[], Mapping[str, float]]

#: Counters a phase reports as its own (differences from the phase's start).
COUNTERS: Final = ("requests", "retries", "rate_limited", "waited")

#: A limiter sleep shorter than this is the steady pace at the limit, not news.
_SHOWN_WAIT: Final = 1.0


@dataclass(frozen=True, slots=True)
class Wait:
    """A rate-limit wait in progress: seconds so far and seconds left."""

    elapsed: float
    left: float


@dataclass(slots=True)
class Phase:
    """One phase of a command (``import``, ``export``, a migrate step)."""

    description: str
    total: int | None
    started: float
    base: dict[str, float]
    completed: int = 0
    failed: int = 0
    ended: float | None = None
    final: dict[str, float] | None = None
    interrupted: bool = False
    #: Inputs whose batch answer was lost and that the bulk layer found by lookup, and
    #: inputs it sent again (found missing after an unknown outcome, or canceled).
    reconciled: int = 0
    resubmitted: int = 0

    def seconds(self, now: float | None = None) -> float:
        """Time the phase ran (so far, or in all once ended)."""
        end = self.ended if self.ended is not None else (now or time.monotonic())
        return max(0.0, end - self.started)

    def rate(self, now: float | None = None) -> float:
        """Items per second over the whole phase: what the bar and the summary show."""
        seconds = self.seconds(now)
        return self.completed / seconds if seconds > 0 else 0.0


def _live_wait(stats: Mapping[str, float], now: float) -> Wait | None:
    """The limiter's current sleep, if it is one worth showing."""
    until = stats.get("sleep_until", 0.0)
    if not until or until - now < _SHOWN_WAIT / 2:
        return None
    started = stats.get("sleep_started", 0.0) or now
    if until - started < _SHOWN_WAIT:
        return None
    return Wait(elapsed=max(0.0, now - started), left=max(0.0, until - now))


class Progress:
    """The phases of one command; this base class shows nothing (``--quiet``, a pipe).

    Use it as a context manager around the work: leaving the block by an exception
    (Ctrl-C, SIGTERM, an error) marks the running phase interrupted where it stopped,
    instead of redrawing it as complete.
    """

    #: True when something is drawn (worth a request to count the total for an ETA).
    shows: bool = False

    def __init__(self, stats: StatsSource | None = None, *, requests_per_second: float = 0.0):
        """``stats`` feeds the counters; ``requests_per_second`` is the limiter's steady
        allowance (0 for no limit), which the ETA never assumes more than."""
        self._stats = stats
        self._allowed = requests_per_second
        self.phases: list[Phase] = []
        self._closed = False

    # -- what commands call ---------------------------------------------------------

    def start(self, description: str, total: int | None) -> Phase:
        """Begin a phase (``total=None`` when the count is unknown); ends the previous."""
        self._finish(interrupted=False)
        phase = Phase(description, total, time.monotonic(), self._read())
        self.phases.append(phase)
        self._started(phase)
        return phase

    def advance(self, succeeded: int = 0, failed: int = 0) -> None:
        """Count finished items of the running phase."""
        phase = self.current
        if phase is None:
            return
        phase.completed += succeeded + failed
        phase.failed += failed
        self._advanced(phase)

    def close(self, *, interrupted: bool = False) -> None:
        """End the running phase (as interrupted, or complete) and stop (idempotent)."""
        if self._closed:
            return
        self._finish(interrupted=interrupted)
        self._closed = True
        self._stopped()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(interrupted=exc_type is not None)

    # -- what displays read -----------------------------------------------------------

    @property
    def current(self) -> Phase | None:
        """The running phase, if any."""
        phase = self.phases[-1] if self.phases else None
        return phase if phase is not None and phase.ended is None else None

    def counters(self, phase: Phase, now: float | None = None) -> dict[str, float]:
        """The phase's own requests, retries, 429s and seconds waited (live while it runs)."""
        if phase.final is not None:
            return phase.final
        now = now or time.monotonic()
        stats = self._read()
        own = {name: stats.get(name, 0.0) - phase.base.get(name, 0.0) for name in COUNTERS}
        started = stats.get("sleep_started", 0.0)
        if started:  # the limiter is asleep: count the wait while it lasts
            own["waited"] += max(0.0, now - max(started, phase.started))
        return own

    def wait(self, phase: Phase, now: float | None = None) -> Wait | None:
        """The rate-limit wait holding the running phase back, if any."""
        if phase.ended is not None:
            return None
        return _live_wait(self._read(), now or time.monotonic())

    def eta(self, phase: Phase, now: float | None = None) -> float | None:
        """Seconds left, at the slower of the phase's rate and the limiter's allowance."""
        if phase.total is None or phase.ended is not None or phase.completed <= 0:
            return None
        now = now or time.monotonic()
        left = max(0, phase.total - phase.completed)
        speed = phase.rate(now)
        requests = self.counters(phase, now)["requests"]
        if self._allowed > 0 and requests > 0:
            # Items per request so far, times the requests the limiter allows per second.
            allowed = phase.completed / requests * self._allowed
            speed = min(speed, allowed)
        if speed <= 0:
            return None
        eta = left / speed
        wait = self.wait(phase, now)
        return max(eta, wait.left) if wait is not None else eta

    # -- hooks for the displays -------------------------------------------------------

    def _started(self, phase: Phase) -> None:
        """A phase began."""

    def _advanced(self, phase: Phase) -> None:
        """Items of the running phase finished."""

    def _ended(self, phase: Phase) -> None:
        """A phase ended (``phase.interrupted`` says how)."""

    def _stopped(self) -> None:
        """The command is done with progress."""

    # -- internals ----------------------------------------------------------------------

    def _read(self) -> dict[str, float]:
        return dict(self._stats()) if self._stats is not None else {}

    def _finish(self, *, interrupted: bool) -> None:
        phase = self.current
        if phase is None:
            return
        now = time.monotonic()
        phase.final = self.counters(phase, now)
        phase.ended = now
        phase.interrupted = interrupted
        self._ended(phase)


#: The name the commands and tests have always used for "shows nothing".
NullProgress = Progress


def rich_available() -> bool:
    """True when the optional ``rich`` dependency can be imported."""
    try:
        import rich.logging
        import rich.progress  # noqa: F401
    except ImportError:
        return False
    return True


class BulkCounter:
    """An ``on_progress`` callback for the bulk layer: cumulative events -> increments.

    Inputs a previous run completed (journal skips) count as done, so a resumed bar
    starts where the last run stopped.
    """

    def __init__(self, progress: Progress) -> None:
        """Count into ``progress``."""
        self._progress = progress
        self._ok = 0
        self._failed = 0

    def __call__(self, event: Any) -> None:
        """Advance by what changed since the previous event."""
        phase = self._progress.current
        if phase is not None:  # per chunk, not cumulative
            phase.reconciled += int(getattr(event.chunk, "reconciled", 0))
            phase.resubmitted += int(getattr(event.chunk, "resubmitted", 0))
        ok, failed = int(event.succeeded), int(event.failed)
        self._progress.advance(max(0, ok - self._ok), max(0, failed - self._failed))
        self._ok, self._failed = max(ok, self._ok), max(failed, self._failed)


def allowed_rate(requests: int | None, per_seconds: float) -> float:
    """Requests per second the client's limiter allows in the steady state (0: no limit)."""
    if requests is None:
        return 0.0
    from hubpages_async import RateLimit

    limit = RateLimit(requests=requests, per_seconds=per_seconds)
    return limit.effective_requests / limit.effective_window


def make_progress(
    *,
    quiet: bool,
    stats: StatsSource | None = None,
    stream: TextIO | None = None,
    requests_per_second: float = 0.0,
) -> Progress:
    """The right progress for this process.

    A rich bar when stderr is a terminal and rich is installed; a plain status line
    every few seconds when it is a terminal without rich; nothing on a pipe or a file
    (machine-read logs stay clean) or with ``--quiet``.
    """
    out = stream if stream is not None else sys.stderr
    if quiet or not out.isatty():
        return Progress(stats, requests_per_second=requests_per_second)
    if rich_available():
        from ._progress_rich import RichProgress

        return RichProgress(out, stats, requests_per_second=requests_per_second)
    from ._progress_plain import PlainProgress

    return PlainProgress(out, stats, requests_per_second=requests_per_second)


def format_eta(seconds: float | None) -> str:
    """``75.2`` -> ``0:01:16``; unknown -> ``-:--:--``."""
    if seconds is None or not math.isfinite(seconds):
        return "-:--:--"
    whole = math.ceil(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def health(progress: Progress, phase: Phase, now: float | None = None) -> str:
    """``fail 0 retry 2 429s 0 wait 3.1s`` for the phase, plus a live wait if one holds it."""
    now = now or time.monotonic()
    own = progress.counters(phase, now)
    text = (
        f"fail {phase.failed} retry {int(own['retries'])} "
        f"429s {int(own['rate_limited'])} wait {own['waited']:.1f}s"
    )
    wait = progress.wait(phase, now)
    if wait is not None:
        text += f" | waiting for the rate limit, {math.ceil(wait.left)}s left"
    return text
