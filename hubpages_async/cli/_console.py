"""stderr notes and the errors that map to exit codes.

stdout carries results only (JSON lines, a JSON summary), so everything meant for
a person goes through :func:`note` or :func:`error` to stderr.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from typing import Final

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "UsageError",
    "configure_logging",
    "error",
    "note",
    "plural",
    "resume_command",
]

#: Options whose value is a secret: never echoed, even in a resume hint.
_SECRET_OPTIONS: Final = ("--to-token", "--from-token")

EXIT_OK: Final = 0
#: Some inputs failed (the summary says how many and where they are).
EXIT_FAILED: Final = 1
#: Usage or input error: nothing was sent.
EXIT_USAGE: Final = 2
#: The server could not be reached (refused, DNS, timeout, no answer): nothing to fix in
#: the inputs or the command line, run it again once the server answers. The next free
#: code after the usage error, well clear of 126-127 (the shell's) and 128+N (signals).
EXIT_UNREACHABLE: Final = 3
#: Interrupted by Ctrl-C (128 + SIGINT, the shell convention).
EXIT_INTERRUPTED: Final = 130
#: Stopped by SIGTERM (128 + SIGTERM), handled like Ctrl-C.
EXIT_TERMINATED: Final = 143
#: stdout was closed by its reader (128 + SIGPIPE, what a killed `cat` reports).
EXIT_BROKEN_PIPE: Final = 141


class UsageError(Exception):
    """A problem with the command line or the input: report it and exit 2."""


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``plural(1, "request")`` -> ``1 request``; ``plural(2, "retry", "retries")``.

    The second gives ``2 retries``: a count with its noun, singular only for one.
    """
    return f"{count:,} {singular if count == 1 else (many or singular + 's')}"


def note(args: argparse.Namespace | None, message: str) -> None:
    """An informational line on stderr, silenced by ``--quiet``."""
    if args is not None and getattr(args, "quiet", False):
        return
    print(f"hubpages: {message}", file=sys.stderr, flush=True)


def error(message: str) -> None:
    """An error line on stderr (never silenced)."""
    print(f"hubpages: error: {message}", file=sys.stderr, flush=True)


def configure_logging(args: argparse.Namespace) -> None:
    """Route the library's log lines (retries, waits, 429s) to stderr.

    By default only errors show: the progress display and the summary already count
    retries and waits, and a retry that succeeds is not news. ``--verbose`` shows each.
    On a terminal with rich, the lines go through the progress bar's own console
    (rich's ``RichHandler``), so each appears above the bar instead of through it.
    """
    handler: logging.Handler
    if sys.stderr.isatty() and _rich_logging():
        from rich.logging import RichHandler

        from ._progress_rich import shared_console

        handler = RichHandler(
            console=shared_console(sys.stderr),
            show_time=False,
            show_path=False,
            markup=False,
            rich_tracebacks=False,
        )
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("hubpages: %(message)s"))
    logger = logging.getLogger("hubpages_async")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO if getattr(args, "verbose", False) else logging.ERROR)


def _rich_logging() -> bool:
    """True when rich (the ``cli`` extra) is installed."""
    from ._progress import rich_available

    return rich_available()


def resume_command() -> str:
    """This command line, to rerun after an interruption, with any token redacted."""
    words: list[str] = []
    hide_next = False
    for word in sys.argv[1:]:
        if hide_next:
            words.append("TOKEN")
            hide_next = False
        elif word in _SECRET_OPTIONS:
            words.append(word)
            hide_next = True
        elif word.startswith(tuple(f"{o}=" for o in _SECRET_OPTIONS)):
            words.append(word.split("=", 1)[0] + "=TOKEN")
        else:
            words.append(word)
    return shlex.join(["hubpages", *words])
