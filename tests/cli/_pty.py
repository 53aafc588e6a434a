"""Run the CLI with stderr on a pseudo-terminal and read the screen it draws.

:class:`Screen` is a deliberately small terminal: it understands what rich's live
display and plain line output send (text, ``\\r``, ``\\n``, cursor up, erase line,
and ignores colours and cursor visibility), which is enough to know what a user
would see at any moment.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_CSI = re.compile(rb"\x1b\[([0-9;?]*)([A-Za-z])")
_OTHER_ESC = re.compile(rb"\x1b[()][A-Za-z0-9]|\x1b[=>78]")


class Screen:
    """Rows of text as a terminal would show them."""

    def __init__(self, width: int = 160) -> None:
        self.width = width
        self.rows: list[list[str]] = [[]]
        self.row = 0
        self.col = 0

    def _put(self, char: str) -> None:
        line = self.rows[self.row]
        if self.col >= self.width:
            self._newline()
            line = self.rows[self.row]
        while len(line) < self.col:
            line.append(" ")
        if self.col < len(line):
            line[self.col] = char
        else:
            line.append(char)
        self.col += 1

    def _newline(self) -> None:
        self.row += 1
        self.col = 0
        while len(self.rows) <= self.row:
            self.rows.append([])

    def feed(self, data: bytes) -> None:
        """Apply terminal output."""
        data = _OTHER_ESC.sub(b"", data)
        pos = 0
        for match in _CSI.finditer(data):
            self._text(data[pos : match.start()])
            self._csi(match.group(1).decode(), match.group(2).decode())
            pos = match.end()
        self._text(data[pos:])

    def _text(self, data: bytes) -> None:
        for char in data.decode(errors="replace"):
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self._newline()
            elif char == "\x08":
                self.col = max(0, self.col - 1)
            elif char >= " ":
                self._put(char)

    def _csi(self, params: str, final: str) -> None:
        count = int(params) if params.isdigit() else 1
        if final == "A":
            self.row = max(0, self.row - count)
        elif final == "B":
            self.row += count
            while len(self.rows) <= self.row:
                self.rows.append([])
        elif final == "G":
            self.col = max(0, count - 1)
        elif final == "K":
            line = self.rows[self.row]
            if params in ("", "0"):
                del line[self.col :]
            elif params == "2":
                line.clear()
        # colours (m), cursor visibility (?25l/h) and the rest change no text

    @property
    def lines(self) -> list[str]:
        """The rows, right-stripped, without trailing empty ones."""
        lines = ["".join(row).rstrip() for row in self.rows]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    @property
    def text(self) -> str:
        """The whole screen."""
        return "\n".join(self.lines)


@dataclass
class PtyRun:
    """What a run under a terminal showed: the screen after each write, timed."""

    code: int = 0
    stdout: str = ""
    raw: bytes = b""
    #: (seconds since start, screen text) after every chunk the program wrote
    frames: list[tuple[float, str]] = field(default_factory=list)

    @property
    def screen(self) -> str:
        """The final screen."""
        return self.frames[-1][1] if self.frames else ""


def run_in_pty(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    timeout: float = 120.0,
    on_frame: Callable[[subprocess.Popen[bytes], str], None] | None = None,
    width: int = 160,
    cwd: str | None = None,
) -> PtyRun:
    """Run ``argv`` with stderr on a new pseudo-terminal (stdout a pipe) until it exits.

    ``on_frame(process, screen)`` is called after each write, e.g. to send SIGINT once
    the screen shows something. Blocking: call it through ``anyio.to_thread``.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    env = {**env, "COLUMNS": str(width), "LINES": "50", "TERM": "xterm"}
    screen = Screen(width)
    result = PtyRun()
    started = time.monotonic()
    with subprocess.Popen(
        list(argv), stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env, cwd=cwd
    ) as proc:
        os.close(slave)
        assert proc.stdout is not None
        piped = proc.stdout.fileno()
        os.set_blocking(piped, False)
        out = b""
        deadline = started + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master, piped], [], [], 0.05)
            if piped in ready:
                out += proc.stdout.read() or b""
            if master in ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk:
                    break
                result.raw += chunk
                screen.feed(chunk)
                result.frames.append((time.monotonic() - started, screen.text))
                if on_frame is not None:
                    on_frame(proc, screen.text)
        else:
            proc.kill()
            raise AssertionError(f"{argv} still running after {timeout}s:\n{screen.text}")
        os.close(master)
        result.code = proc.wait(timeout=30)
        os.set_blocking(piped, True)
        out += proc.stdout.read() or b""
    result.stdout = out.decode()
    return result
