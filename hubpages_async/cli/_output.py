"""Output files that are never half-written, and the rejects file of a failed import.

Every file the CLI produces is written to a temporary file in the destination's own
directory (so ``os.replace`` is a same-filesystem rename), flushed and fsynced, and
only then moved over the destination. An interrupted export leaves the previous good
file in place, never a truncated one.
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

__all__ = ["Reject", "atomic_writer", "write_rejects"]

_ENCODER: Final = msgspec.json.Encoder()


@contextlib.contextmanager
def atomic_writer(path: Path | str) -> Iterator[IO[bytes]]:
    """Yield a binary file that replaces ``path`` only if the block completes.

    ``"-"`` means standard output (written directly: a pipe cannot be replaced).
    On any exception, including ``KeyboardInterrupt`` and cancellation, the
    temporary file is removed and ``path`` is left exactly as it was.

    >>> with atomic_writer("pages.jsonl") as out:  # doctest: +SKIP
    ...     out.write(b'{"name": "Home"}\\n')
    """
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".partial", dir=directory
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
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
    _fsync_directory(directory)


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
