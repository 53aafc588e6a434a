"""Output files that are never half-written, and the rejects file of a failed import.

Every regular file the CLI produces is written to a temporary file in the real
destination's own directory (through any symlink, so ``os.replace`` is a
same-filesystem rename and the link survives), flushed and fsynced, and only then
moved over the destination. An interrupted export, a full disk (ENOSPC) or a
file-size limit (EFBIG) leaves the previous good file in place, never a truncated
one. A FIFO or character device is written into directly: it cannot be replaced,
and must not be (``-o /dev/null`` as root once replaced the machine's /dev/null).
A failure while writing is :class:`OutputError` (exit 1), whose message names the
destination and never the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

import msgspec

from ._paths import destination

__all__ = ["OutputError", "Reject", "Writer", "atomic_writer", "write_rejects"]

_ENCODER: Final = msgspec.json.Encoder()


class OutputError(Exception):
    """Writing an output failed part way (no space, file too large, I/O error)."""


class Writer:
    """The binary stream an :func:`atomic_writer` block writes to.

    Its ``write`` turns an ``OSError`` into :class:`OutputError` naming the
    destination (the user's name for it, not the temporary file's).
    """

    def __init__(self, stream: IO[bytes], shown: str) -> None:
        self._stream = stream
        self._shown = shown

    def write(self, data: bytes) -> int:
        """Write ``data``; see the class docstring for errors."""
        with _as_output_error(self._shown):
            return self._stream.write(data)


@contextlib.contextmanager
def _as_output_error(shown: str) -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away: the command stops quietly (cli.__main__)
    except OSError as exc:
        raise OutputError(f"{shown}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def atomic_writer(path: Path | str) -> Iterator[Writer]:
    """Yield a binary writer that replaces ``path`` only if the block completes.

    ``"-"`` means standard output, and a FIFO or character device is written in
    place (neither can be replaced). On any exception, including
    ``KeyboardInterrupt`` and cancellation, the temporary file is removed and
    ``path`` is left exactly as it was.

    >>> with atomic_writer("pages.jsonl") as out:  # doctest: +SKIP
    ...     out.write(b'{"name": "Home"}\\n')
    """
    if str(path) == "-":
        yield Writer(sys.stdout.buffer, "standard output")
        sys.stdout.buffer.flush()
        return
    where = destination(path)
    if where.stream:
        with _as_output_error(where.shown):
            stream = open(where.real, "wb")  # noqa: SIM115 - closed by _writing
        with _writing(stream, where.shown, durable=False) as writer:
            yield writer
        return
    target = where.real
    with _as_output_error(where.shown):
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    try:
        with _writing(os.fdopen(handle, "wb"), where.shown, durable=True) as writer:
            yield writer
        with _as_output_error(where.shown):
            if target.exists():
                # mkstemp creates 0600; keep the permissions the user gave the old file.
                os.chmod(temp_name, target.stat().st_mode & 0o7777)
            else:
                os.chmod(temp_name, 0o666 & ~_umask())
            os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_directory(target.parent)


@contextlib.contextmanager
def _writing(stream: IO[bytes], shown: str, *, durable: bool) -> Iterator[Writer]:
    """Yield a :class:`Writer` on ``stream``; flush (and fsync) once the block is done.

    The stream is closed here in every case, its errors suppressed: a failed flush was
    already reported, and a close after it would only fail the same way again.
    """
    try:
        yield Writer(stream, shown)
        with _as_output_error(shown):
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
    finally:
        with contextlib.suppress(OSError):
            stream.close()


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True, slots=True)
class Reject:
    """An input HubSpot refused: its line in the input file and HubSpot's reason."""

    line: int
    category: str
    message: str
    record: Any = None
    status: int | None = None
    correlation_id: str | None = None


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """Write one JSON object per rejected input, in input order, atomically.

    Each object is ``{"line", "category", "message", "status"?, "correlationId"?,
    "input"}`` so a user can ``jq`` the reasons or pull the inputs out to fix and retry.
    """
    with atomic_writer(path) as out:
        for reject in sorted(rejects, key=lambda r: r.line):
            row: dict[str, Any] = {
                "line": reject.line,
                "category": reject.category,
                "message": reject.message,
            }
            if reject.status is not None:
                row["status"] = reject.status
            if reject.correlation_id:
                row["correlationId"] = reject.correlation_id
            if reject.record is not None:
                row["input"] = reject.record
            out.write(_ENCODER.encode(row) + b"\n")
