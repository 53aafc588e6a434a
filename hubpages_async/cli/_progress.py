"""Progress on stderr: a rich bar in a terminal, nothing at all otherwise.

stdout and output files carry results only, so progress never corrupts a pipe. The
bar shows counts, rate, ETA, failures, retries, 429s and time spent waiting on the
rate limit; the counters that live in the client (retries, waits) are read at render
time from a ``stats`` callable, so a long rate-limit pause is visible while it lasts.
rich is an optional extra (``hubpages-async[cli]``); without it the CLI runs quietly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from rich.progress import Task
    from rich.text import Text

__all__ = [
    "BulkCounter",
    "NullProgress",
    "Progress",
    "StatsSource",
    "make_progress",
    "rich_available",
]

#: Returns the client's live counters: ``retries``, ``rate_limited``, ``waited`` (seconds).
StatsSource = Callable[[], Mapping[str, float]]


class Progress(Protocol):
    """What commands call; both implementations below satisfy it."""

    def start(self, description: str, total: int | None) -> None:
        """Begin a phase (``total=None`` when the count is unknown, as in an export)."""

    def advance(self, succeeded: int = 0, failed: int = 0) -> None:
        """Count finished items."""

    def close(self) -> None:
        """Stop rendering (idempotent)."""


class NullProgress:
    """Progress that shows nothing: piped stderr, ``--quiet``, or no rich installed."""

    def start(self, description: str, total: int | None) -> None:
        """Do nothing."""

    def advance(self, succeeded: int = 0, failed: int = 0) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing."""


def rich_available() -> bool:
    """True when the optional ``rich`` dependency can be imported."""
    try:
        import rich.progress  # noqa: F401
    except ImportError:
        return False
    return True


class _RichProgress:
    """An overall bar per phase, drawn by rich on stderr."""

    def __init__(self, stream: TextIO, stats: StatsSource | None) -> None:
        """Start drawing on ``stream``; ``stats`` feeds the health column."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichBar
        from rich.text import Text

        stats_source = stats

        class _Rate(ProgressColumn):
            """Items per second (rich's own speed column counts bytes)."""

            def render(self, task: Task) -> Text:
                speed = task.finished_speed or task.speed
                if not speed and task.elapsed:  # too quick for rich's sampled speed
                    speed = task.completed / task.elapsed
                return Text(f"{speed:,.0f}/s" if speed else "--/s", style="cyan")

        class _Health(ProgressColumn):
            """Failures, retries, 429s and rate-limit waits."""

            # Read at render time (rich refreshes ~10x/s) so waits show while they last.
            def render(self, task: Task) -> Text:
                failed = int(task.fields.get("failed", 0))
                parts = [f"fail {failed}"]
                if stats_source is not None:
                    live = stats_source()
                    parts.append(f"retry {int(live.get('retries', 0))}")
                    parts.append(f"429s {int(live.get('rate_limited', 0))}")
                    parts.append(f"wait {live.get('waited', 0.0):.1f}s")
                return Text(" ".join(parts), style="red" if failed else "dim", no_wrap=True)

        self._bar = RichBar(
            TextColumn("[bold]{task.description}"),
            BarColumn(bar_width=12),
            MofNCompleteColumn(),
            _Rate(),
            TimeRemainingColumn(),
            _Health(),
            console=Console(file=stream),
            transient=False,
        )
        self._task: Any = None
        self._failed = 0
        self._bar.start()

    def start(self, description: str, total: int | None) -> None:
        """Add a bar for the next phase (the previous one stays, finished)."""
        self._finish_phase()
        self._failed = 0
        self._task = self._bar.add_task(description, total=total, failed=0)

    def advance(self, succeeded: int = 0, failed: int = 0) -> None:
        """Move the current bar on."""
        if self._task is None:
            return
        self._failed += failed
        self._bar.update(self._task, advance=succeeded + failed, failed=self._failed)

    def _finish_phase(self) -> None:
        """Mark the current phase complete, even if its total was an estimate.

        (A migrate step's count includes A/B variants that a later step creates.)
        """
        if self._task is not None:
            self._bar.update(self._task, total=self._bar.tasks[-1].completed)
            self._bar.stop_task(self._task)
            self._task = None

    def close(self) -> None:
        """Stop the live display (leaves the final bars on screen)."""
        self._finish_phase()
        self._bar.stop()


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
        ok, failed = int(event.succeeded), int(event.failed)
        self._progress.advance(max(0, ok - self._ok), max(0, failed - self._failed))
        self._ok, self._failed = max(ok, self._ok), max(failed, self._failed)


def make_progress(
    *, quiet: bool, stats: StatsSource | None = None, stream: TextIO | None = None
) -> Progress:
    """The right progress for this process: rich on an interactive stderr, else nothing."""
    out = stream if stream is not None else sys.stderr
    if quiet or not out.isatty() or not rich_available():
        return NullProgress()
    return _RichProgress(out, stats)
