"""Run the scenarios: every entry, every round, alternating, each in its own processes.

For one measurement the harness starts a fresh emulator process (so each contender meets
an empty store and an empty rate-limit window), then a fresh worker process running one
contender, reads the worker's result line and stops the emulator. Rounds rotate the
order of entries, so no contender always runs first (on a cold machine) or last.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from ._emulator_proc import EmulatorProcess, EmulatorStartError
from ._sink import SinkProcess
from ._worker import RESULT_PREFIX
from .contenders import Job
from .scenarios import Entry, Scenario

__all__ = ["Run", "run_scenarios"]

REPO_ROOT = Path(__file__).resolve().parent.parent
#: HubSpot's ten-secondly window plus a margin for the emulator's latency.
WINDOW_DRAIN_S = 11.0


@dataclass(slots=True)
class Run:
    """One measurement: the worker's result, or why there is none."""

    scenario: str
    label: str
    contender: str
    round: int
    result: dict[str, Any] | None
    error: str | None = None
    emulator_cpu_s: float | None = None
    setup_s: float = 0.0
    #: The emulator process's peak resident memory (VmHWM) after the run, and startup.
    emulator_peak_rss_mb: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for results.json."""
        return asdict(self)


def _job(scenario: Scenario, entry: Entry, base_url: str) -> Job:
    emulator = scenario.emulator
    return Job(
        op=scenario.op,
        base_url=base_url,
        count=scenario.count,
        shards=entry.shards,
        concurrency=entry.concurrency,
        rate_limit=emulator.rate_limit if emulator else None,
        headroom=entry.headroom,
        margin=entry.margin,
        collect=entry.collect,
    )


def _cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def _spawn_worker(contender: str, job: Job, timeout_s: float) -> dict[str, Any]:
    spec = json.dumps({"contender": contender, "job": asdict(job)})
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._worker"],
        input=spec,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        cwd=REPO_ROOT,
        env=env,
        check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
    raise RuntimeError(f"worker exited {proc.returncode} without a result:\n{tail}")


@contextmanager
def _server_for(
    scenario: Scenario, shared: EmulatorProcess | None
) -> Iterator[EmulatorProcess | None]:
    """The shared server if there is one, else a fresh emulator just for this run."""
    if shared is not None or scenario.emulator is None:
        yield shared
        return
    with EmulatorProcess(scenario.emulator) as emu:
        yield emu


def measure_entry(
    scenario: Scenario, entry: Entry, round_no: int, shared: EmulatorProcess | None = None
) -> Run:
    """Run one worker against the shared server, or against an emulator started for it."""
    run = Run(scenario.key, entry.label, entry.contender, round_no, None)
    t0 = time.monotonic()
    try:
        with _server_for(scenario, shared) as emu:
            run.setup_s = time.monotonic() - t0
            job = _job(scenario, entry, emu.url if emu else "")
            cpu0 = _cpu_seconds(emu.pid) if emu else 0.0
            run.result = _spawn_worker(entry.contender, job, scenario.timeout_s)
            if emu:
                run.emulator_cpu_s = _cpu_seconds(emu.pid) - cpu0
                run.emulator_peak_rss_mb = _peak_rss_mb(emu.pid)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        run.error = f"{type(exc).__name__}: {exc}"
    return run


@contextmanager
def _shared_server(scenario: Scenario) -> Iterator[EmulatorProcess | None]:
    if scenario.sink:
        with SinkProcess(scenario.count) as sink:
            yield sink
    elif scenario.reuse_emulator and scenario.emulator is not None:
        with EmulatorProcess(scenario.emulator) as emu:
            yield emu
    else:
        yield None


def _rotated(entries: tuple[Entry, ...], by: int) -> list[Entry]:
    k = by % len(entries)
    return list(entries[k:] + entries[:k])


def run_scenarios(
    scenarios: list[Scenario],
    rounds: int,
    *,
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True),
) -> list[Run]:
    """Every scenario, ``rounds`` rounds (one for single-round scenarios), entries rotated."""
    runs: list[Run] = []
    for scenario in scenarios:
        n_rounds = 1 if scenario.single_round else rounds
        log(f"== scenario {scenario.number} ({scenario.key}): {scenario.title}, n={scenario.count}")
        try:
            with _shared_server(scenario) as shared:
                if shared is not None and scenario.warm_up:
                    measure_entry(scenario, Entry("warm-up", "floor"), -1, shared)
                for round_no in range(n_rounds):
                    for entry in _rotated(scenario.entries, round_no):
                        if entry.max_rounds is not None and round_no >= entry.max_rounds:
                            continue
                        if shared is not None and _limited(scenario) and runs:
                            # A reused rate-limited emulator: let its rolling window empty.
                            time.sleep(WINDOW_DRAIN_S)
                        run = measure_entry(scenario, entry, round_no, shared)
                        runs.append(run)
                        log(_describe(run))
        except (EmulatorStartError, OSError) as exc:
            log(f"   scenario skipped: {exc}")
    return runs


def _peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident set (VmHWM, Linux), in MB; None where unreadable."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _limited(scenario: Scenario) -> bool:
    return scenario.emulator is not None and scenario.emulator.rate_limit is not None


def _describe(run: Run) -> str:
    head = f"   round {run.round + 1} {run.label:<44}"
    if run.result is None:
        return f"{head} FAILED {run.error}"
    r = run.result
    return (
        f"{head} wall {r['wall_s']:8.3f} s  cpu {r['cpu_s']:8.3f} s  "
        f"rss +{r['rss_growth_mb']:7.1f} MB  items {r['items']}  429s {r['n429']}  "
        f"errors {r['errors']} {r['note']}"
        + (
            f"  emulator peak RSS {run.emulator_peak_rss_mb:.0f} MB"
            if run.emulator_peak_rss_mb is not None
            else ""
        )
    )
