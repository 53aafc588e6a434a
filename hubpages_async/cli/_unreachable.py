"""When the server could not be reached: find that behind a failure, and say so (exit 3).

A refused connection, a DNS failure, a timeout or an answer lost on the way is not a
problem with the inputs (exit 1) nor with the command line (exit 2): nothing is to be
fixed locally, only run again once the server answers. So a command that stopped on
one, or a bulk job whose inputs were left unsent or unconfirmed by one, exits
:data:`~._console.EXIT_UNREACHABLE` with one line naming the server (never the token)
and, where a journal makes it safe, the command line that resumes.
"""

from __future__ import annotations

import sys

from hubpages_async import errors
from hubpages_async.errors import connection_error_behind as connection_error

from ._console import error

__all__ = ["connection_error", "report_unreachable"]


def server_of(exc: errors.APIConnectionError) -> str:
    """``the server at https://api.hubapi.com`` (or just ``the server`` if unknown)."""
    return f"the server at {exc.origin}" if exc.origin else "the server"


def report_unreachable(exc: errors.APIConnectionError, resume_hint: str | None) -> None:
    """The error line for a command that stopped because the server did not answer."""
    error(f"could not reach {server_of(exc)}: {exc}")
    if resume_hint:
        print(f"hubpages: to resume once it answers, run: {resume_hint}", file=sys.stderr)
