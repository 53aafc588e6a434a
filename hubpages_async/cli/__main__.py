"""``hubpages``: the command-line entry point (console script and ``python -m``).

Maps outcomes to the exit-status contract: 0 all done, 1 some inputs failed, 2 usage
or input error (nothing sent), 3 the server could not be reached (a command stopped by
a refused connection, a DNS failure or a timeout, or a bulk job whose inputs were left
unsent or unconfirmed by one: the line names the server, and where a journal makes it
safe, the command that resumes), 130 interrupted (143 SIGTERM), 141 stdout closed.
Ctrl-C cancels the running job; the bulk layer's journal is committed per chunk, so the
command prints how to resume.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Sequence

from ._console import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    UsageError,
    configure_logging,
    error,
)
from ._output import OutputError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hubpages`` with ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["emulator"]:
        # Passed through untouched, so `hubpages emulator` and `python -m
        # hubpages_async.emulator` accept exactly the same options.
        from .commands.emulator import run_emulator

        return run_emulator(arguments[1:])

    from ._args import build_parser

    args = build_parser().parse_args(arguments)
    # Commands fill these in once they know what an interruption leaves behind.
    args.resume_hint = None
    args.interrupt_note = "stopped"
    configure_logging(args)
    try:
        return asyncio.run(_dispatch(args))
    except KeyboardInterrupt:
        return _interrupted(args, EXIT_INTERRUPTED)
    except asyncio.CancelledError:  # SIGTERM (see _dispatch)
        return _interrupted(args, EXIT_TERMINATED)
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE
    except OutputError as exc:  # disk full, file too large: the previous file is intact
        error(str(exc))
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`hubpages export | head`): stop quietly, as cat does.
        # Point stdout at devnull so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # turned into one clear line instead of a traceback
        return _report(exc, args)


async def _dispatch(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; SIGTERM cancels it as cleanly as Ctrl-C does.

    (``asyncio.run`` handles SIGINT itself; ``docker stop`` and systemd send SIGTERM,
    whose default would kill the process before temporary files are removed.)
    """
    from .commands import COMMANDS

    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    if task is not None:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await COMMANDS[args.command](args)
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def _interrupted(args: argparse.Namespace, status: int) -> int:
    """Say what an interruption left behind and how to resume."""
    error(f"interrupted: {args.interrupt_note}")
    if args.resume_hint:
        print(f"hubpages: to resume, run: {args.resume_hint}", file=sys.stderr)
    return status


def _report(exc: Exception, args: argparse.Namespace) -> int:
    """One line for an error that ended the command; usage-like errors exit 2, an
    unreachable server 3."""
    from hubpages_async import errors
    from hubpages_async._filters import FilterError

    from ._unreachable import connection_error, report_unreachable

    if isinstance(exc, (FilterError, errors.ValidationError)):
        error(str(exc))
        return EXIT_USAGE
    if isinstance(exc, errors.AuthenticationError):
        error(f"the portal refused the token (401): {exc}")
        return EXIT_USAGE
    if isinstance(exc, errors.PermissionDeniedError):
        error(f"the token lacks a scope this command needs (403): {exc}")
        return EXIT_USAGE
    if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError):
        error(str(exc))
        return EXIT_USAGE
    unreachable = connection_error(exc)
    if unreachable is not None:
        report_unreachable(unreachable, args.resume_hint)
        return EXIT_UNREACHABLE
    if isinstance(exc, errors.HubPagesError):
        error(f"{type(exc).__name__}: {exc}")
        return EXIT_FAILED
    raise exc


if __name__ == "__main__":
    sys.exit(main())
