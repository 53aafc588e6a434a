"""The rich bar: one row per phase on stderr, redrawn ten times a second.

Imported only when rich is installed and stderr is a terminal. The bar and the
library's log lines (``-v``) share one rich ``Console``, so a log line is printed
above the bar instead of through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn
from rich.progress import Progress as RichBar
from rich.text import Text

from ._progress import Phase, Progress, StatsSource, format_eta, health

if TYPE_CHECKING:
    from rich.progress import Task

__all__ = ["RichProgress", "shared_console"]

_CONSOLES: dict[int, Console] = {}


def shared_console(stream: TextIO) -> Console:
    """The one rich ``Console`` for ``stream`` (the bar and the log handler share it)."""
    console = _CONSOLES.get(id(stream))
    if console is None or console.file is not stream:
        console = _CONSOLES[id(stream)] = Console(file=stream)
    return console


class _PhaseColumn(ProgressColumn):
    """A column computed from the :class:`Phase` behind the row."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self._progress = progress

    def render(self, task: Task) -> Text:
        phase = task.fields.get("phase")
        return self.text(phase) if isinstance(phase, Phase) else Text("")

    def text(self, phase: Phase) -> Text:
        """The column's text for ``phase``."""
        raise NotImplementedError


class _Rate(_PhaseColumn):
    """Items per second over the whole phase (the number the summary prints)."""

    def text(self, phase: Phase) -> Text:
        rate = phase.rate()
        return Text(f"{rate:,.0f}/s" if phase.completed else "--/s", style="cyan")


class _Eta(_PhaseColumn):
    """Time left at the rate the limiter allows; the phase's duration once it ended."""

    def text(self, phase: Phase) -> Text:
        if phase.ended is not None:  # the duration, as the summary prints it
            return Text(f"in {phase.seconds():.1f}s", style="yellow")
        return Text("eta " + format_eta(self._progress.eta(phase)), style="cyan")


class _Health(_PhaseColumn):
    """The phase's failures, retries, 429s and rate-limit waits, and a live wait."""

    def text(self, phase: Phase) -> Text:
        style = "red" if phase.failed or phase.interrupted else "dim"
        return Text(health(self._progress, phase), style=style, no_wrap=True)


class RichProgress(Progress):
    """Progress drawn as rich bars, one per phase (finished ones stay on screen)."""

    shows = True

    def __init__(
        self, stream: TextIO, stats: StatsSource | None, *, requests_per_second: float = 0.0
    ) -> None:
        """Start drawing on ``stream``; ``stats`` feeds the counters."""
        super().__init__(stats, requests_per_second=requests_per_second)
        self._bar = RichBar(
            TextColumn("[bold]{task.description}"),
            BarColumn(bar_width=12),
            MofNCompleteColumn(),
            _Rate(self),
            _Eta(self),
            _Health(self),
            console=shared_console(stream),
            transient=False,
            # stdout carries results: never let the live display capture it.
            redirect_stdout=False,
        )
        self._tasks: dict[int, Any] = {}

    def _started(self, phase: Phase) -> None:
        if not self._tasks:  # drawn from the first phase on, so an early error leaves no bar
            self._bar.start()
        self._tasks[id(phase)] = self._bar.add_task(
            phase.description, total=phase.total, phase=phase
        )

    def _advanced(self, phase: Phase) -> None:
        self._bar.update(self._tasks[id(phase)], completed=phase.completed)

    def _ended(self, phase: Phase) -> None:
        task = self._tasks[id(phase)]
        if phase.interrupted:
            # Left where it stopped: 57/80, not a bar redrawn as complete.
            self._bar.update(task, description=f"{phase.description} (stopped)")
        else:
            # A migrate step's count can include A/B variants a later step creates.
            self._bar.update(task, total=phase.completed, completed=phase.completed)
        self._bar.stop_task(task)

    def _stopped(self) -> None:
        if self._tasks:
            self._bar.stop()
