"""Run the HubSpot emulator in its own process for the length of one measurement.

The emulator shares the machine's cores with the client under test, but it must not
share its interpreter: a client measured in the same event loop as the server would be
charged for the server's work and would get an unrealistically short network path.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

__all__ = ["EmulatorOptions", "EmulatorProcess", "EmulatorStartError"]

_LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")

#: Seeding a million fully populated pages takes minutes on two shared cores.
STARTUP_TIMEOUT_S = 900.0
STOP_TIMEOUT_S = 10.0
_REPO_ROOT = Path(__file__).resolve().parent.parent


class EmulatorStartError(RuntimeError):
    """The emulator exited or stayed silent instead of announcing its address."""


@dataclass(frozen=True, slots=True)
class EmulatorOptions:
    """Command-line options for ``python -m hubpages_async.emulator`` (see the contract)."""

    rate_limit: str | None = None  # e.g. "190/10s"; None means no ten-secondly limit
    latency: float = 0.0  # seconds the emulator waits before answering
    seed_pages: int = 0
    max_batch: int = 100
    #: The emulator's default daily quota (250,000) would stop the million-page runs.
    daily_limit: str | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)

    def argv(self) -> list[str]:
        """The emulator's argument list, always bound to loopback on a free port."""
        args = ["--host", "127.0.0.1", "--port", "0"]
        args += ["--rate-limit", self.rate_limit or "none"]
        args += ["--daily-limit", self.daily_limit or "none"]
        if self.latency:
            args += ["--latency", repr(self.latency)]
        if self.seed_pages:
            args += ["--seed-pages", str(self.seed_pages)]
        args += ["--max-batch", str(self.max_batch)]
        args += list(self.extra)
        return args


class EmulatorProcess:
    """Start the emulator as a child process; ``url`` is valid inside the ``with`` block.

    >>> with EmulatorProcess(EmulatorOptions(seed_pages=100)) as emu:  # doctest: +SKIP
    ...     print(emu.url)
    """

    #: The server module run with ``python -m`` (the sink server overrides it).
    module = "hubpages_async.emulator"

    def __init__(self, options: EmulatorOptions, *, python: str = sys.executable) -> None:
        self.options = options
        self._python = python
        self._proc: subprocess.Popen[str] | None = None
        self._url: str | None = None
        self._stderr_tail: list[str] = []

    @property
    def url(self) -> str:
        """The emulator's base URL, ``http://127.0.0.1:PORT``."""
        if self._url is None:
            raise RuntimeError("the emulator is not running")
        return self._url

    @property
    def pid(self) -> int:
        """The emulator's process id (used to read its CPU time)."""
        if self._proc is None:
            raise RuntimeError("the emulator is not running")
        return self._proc.pid

    def argv(self) -> list[str]:
        """The server's command-line options."""
        return self.options.argv()

    def start(self, argv: Sequence[str] | None = None) -> str:
        """Spawn the server and wait (bounded) for its ``listening on`` line."""
        cmd = [self._python, "-m", self.module, *(argv or self.argv())]
        # A new session, so a Ctrl-C in the terminal reaches us first and we stop it cleanly.
        self._proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            cwd=_REPO_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(_REPO_ROOT)},
        )
        found: list[str] = []
        ready = threading.Event()
        threading.Thread(target=self._read_stdout, args=(found, ready), daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not ready.wait(0.05):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = "".join(self._stderr_tail[-20:])
                raise EmulatorStartError(f"emulator did not start: {' '.join(cmd)}\n{tail}")
        self._url = found[0]
        return self._url

    def _read_stdout(self, found: list[str], ready: threading.Event) -> None:
        # Keep draining after the address line so a chatty emulator never blocks on a full pipe.
        stdout = self._proc.stdout if self._proc else None
        if stdout is None:
            return
        for line in stdout:
            match = _LISTENING.search(line)
            if match and not ready.is_set():
                found.append(match.group(1))
                ready.set()

    def _read_stderr(self) -> None:
        stderr = self._proc.stderr if self._proc else None
        if stderr is None:
            return
        for line in stderr:
            self._stderr_tail.append(line)
            del self._stderr_tail[:-50]

    def stop(self) -> None:
        """Terminate the emulator (SIGTERM, then SIGKILL after a bounded wait)."""
        proc, self._proc, self._url = self._proc, None, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT_S)

    def __enter__(self) -> EmulatorProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
