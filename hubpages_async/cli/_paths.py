"""Where an output may go, checked before anything is sent (exit 2 on a bad one).

An output path is resolved through symlinks to the file that will really be written:
a FIFO or character device (``-o /dev/stdout``, a named pipe into another tool) is
written into as it is; anything else is replaced by an atomic rename in the real
file's own directory, so a symlink keeps pointing at it. A directory, a block device
or a place this process cannot create files in is refused up front, by actually
creating (and removing) a file there: permission bits say nothing about read-only
mounts, or about root.

Two names are the same file when ``os.stat`` says so (same device and inode: through
symlinks and hard links) or, for files that do not exist yet, when their normalised
real paths are equal.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ._console import UsageError

__all__ = ["Destination", "check_distinct", "check_output", "destination", "same_file"]


@dataclass(frozen=True, slots=True)
class Destination:
    """What writing to a path means: ``real`` is the file that receives the bytes;
    ``stream`` is True for a FIFO or character device (written in place)."""

    shown: str
    real: Path
    stream: bool


def destination(path: Path | str) -> Destination:
    """Classify ``path`` (no checks beyond what classifying needs)."""
    real = Path(os.path.realpath(path))
    try:
        mode = os.stat(real).st_mode
    except OSError:
        mode = 0
    return Destination(str(path), real, stat.S_ISFIFO(mode) or stat.S_ISCHR(mode))


def check_output(path: Path | str, *, option: str) -> Destination:
    """The destination of ``path``, or :class:`UsageError` naming ``option``.

    >>> check_output("/dev/null", option="-o").stream
    True
    """
    where = destination(path)
    shown = f"{option} {path}"
    try:
        mode = os.stat(where.real).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"{shown}: cannot write there: {exc.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{shown}: is a directory; name a file in it")
    if mode is not None and stat.S_ISBLK(mode):
        raise UsageError(f"{shown}: is a block device; refusing to write over it")
    if where.stream:
        if not os.access(where.real, os.W_OK):
            raise UsageError(f"{shown}: cannot write there: permission denied")
        return where
    folder = where.real.parent
    if not folder.is_dir():
        raise UsageError(f"{shown}: no such directory {folder}")
    try:
        handle, probe = tempfile.mkstemp(prefix=".hubpages-probe.", dir=folder)
    except OSError as exc:
        raise UsageError(f"{shown}: cannot write in {folder}: {exc.strerror}") from None
    os.close(handle)
    os.unlink(probe)
    return where


def same_file(a: Path | str, b: Path | str) -> bool:
    """True when ``a`` and ``b`` name one file (see the module docstring)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_distinct(paths: Mapping[str, Path | str | None]) -> None:
    """Refuse (exit 2) when two of the named paths are the same file, e.g. ``--rejects``
    naming the input, which the rejects file would overwrite."""
    named = [(name, path) for name, path in paths.items() if path is not None]
    for i, (name_a, a) in enumerate(named):
        for name_b, b in named[i + 1 :]:
            if same_file(a, b):
                raise UsageError(
                    f"{name_a} ({a}) and {name_b} ({b}) are the same file; give each its own path"
                )
