"""A plain status line every few seconds: progress on a terminal without rich.

Whole lines only (no carriage returns or cursor moves), so they read the same in a
terminal, ``script`` or a CI log that captured the terminal. A thread prints them, so
a status still appears while the event loop waits out a rate-limit pause.
"""

from __future__ import annotations

import threading
import time
from typing import Final, TextIO

from ._progress import Phase, Progress, StatsSource, format_eta, health

__all__ = ["INTERVAL", "PlainProgress"]

#: Seconds between two status lines.
INTERVAL: Final = 3.0

_HINT: Final = "hubpages: pip install 'hubpages-async[cli]' for a live progress bar"


def status_line(progress: Progress, phase: Phase) -> str:
    """``hubpages: import 1,200/3,000 (40%), 96/s, eta 0:00:19, fail 0 retry 0 ...``."""
    now = time.monotonic()
    done = f"{phase.completed:,}"
    if phase.total is not None:
        share = f" ({100 * phase.completed // phase.total}%)" if phase.total else ""
        done += f"/{phase.total:,}{share}"
    if phase.ended is None:
        when = f"eta {format_eta(progress.eta(phase, now))}"
    else:
        when = f"{'stopped' if phase.interrupted else 'done'} in {phase.seconds():.1f}s"
    return (
        f"hubpages: {phase.description} {done}, {phase.rate(now):,.0f}/s, {when}, "
        f"{health(progress, phase, now)}"
    )


class PlainProgress(Progress):
    """Progress as one line on stderr every :data:`INTERVAL` seconds, and at each phase's end."""

    shows = True

    def __init__(
        self,
        stream: TextIO,
        stats: StatsSource | None,
        *,
        requests_per_second: float = 0.0,
        interval: float = INTERVAL,
    ) -> None:
        """Print on ``stream``, from the first phase on (the hint about the bar once)."""
        super().__init__(stats, requests_per_second=requests_per_second)
        self._stream = stream
        self._interval = interval
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._tick, name="hubpages-status", daemon=True)

    def _started(self, phase: Phase) -> None:
        if not self._thread.is_alive() and not self._stop.is_set():
            self._print(_HINT)
            self._thread.start()

    def _print(self, line: str) -> None:
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(self._interval):
            phase = self.current
            if phase is not None:
                self._print(status_line(self, phase))

    def _ended(self, phase: Phase) -> None:
        self._print(status_line(self, phase))

    def _stopped(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self._interval + 1)
