"""Process-level measurements: wall time, CPU time and resident memory of this process.

Memory is in MB (10^6 bytes), the unit the issue's targets are stated in.

Peak memory is read from the kernel's high-water mark (``VmHWM``), which Linux lets a
process reset (``echo 5 > /proc/self/clear_refs``): resetting it just before the timed
region makes the peak belong to the measured work, not to imports or input preparation.
Elsewhere ``ru_maxrss`` (a lifetime peak) is the fallback.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

__all__ = ["Sample", "measure", "rss_mb"]

T = TypeVar("T")
_MB = 1_000_000
_KIB = 1024


def _status_mb(field: str) -> float:
    """A memory line of ``/proc/self/status`` (KiB there), else the lifetime peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * _KIB / _MB
    except OSError:
        pass
    # No procfs: only the lifetime peak is available (macOS in bytes, Linux in KiB).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / _MB if sys.platform == "darwin" else peak * _KIB / _MB


def rss_mb() -> float:
    """This process's current resident set size, in MB."""
    return _status_mb("VmRSS")


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


@dataclass(slots=True)
class Sample:
    """One measured call: seconds of wall and CPU time, MB of resident memory."""

    wall_s: float
    cpu_s: float
    rss_base_mb: float
    rss_peak_mb: float
    peak_is_exact: bool

    @property
    def rss_growth_mb(self) -> float:
        """How far the peak rose above the resident size at the start."""
        return max(0.0, self.rss_peak_mb - self.rss_base_mb)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the worker's JSON line."""
        return {**asdict(self), "rss_growth_mb": self.rss_growth_mb}


def measure(func: Callable[[], T]) -> tuple[T, Sample]:
    """Call ``func()`` once and measure it (CPU time covers every thread of the process)."""
    exact = _reset_peak()
    base = rss_mb()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    result = func()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    return result, Sample(wall, cpu, base, max(base, _status_mb("VmHWM")), exact)
