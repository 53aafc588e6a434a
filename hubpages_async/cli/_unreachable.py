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

from ._console import error

__all__ = ["connection_error", "report_unreachable"]

#: A cause chain is short (OutcomeUnknownError -> APIConnectionError): stop well after.
_MAX_DEPTH = 8


def connection_error(failure: object) -> errors.APIConnectionError | None:
    """The connection failure that ``failure`` (an exception, or the ``error`` of a bulk
    ``Failed``) comes down to, or None when it is something else."""
    for _ in range(_MAX_DEPTH):
        if isinstance(failure, errors.APIConnectionError):
            return failure
        failure = getattr(failure, "cause", None) or getattr(failure, "__cause__", None)
        if failure is None:
            return None
    return None


def server_of(exc: errors.APIConnectionError) -> str:
    """``the server at https://api.hubapi.com`` (or just ``the server`` if unknown)."""
    return f"the server at {exc.origin}" if exc.origin else "the server"


def report_unreachable(exc: errors.APIConnectionError, resume_hint: str | None) -> None:
    """The error line for a command that stopped because the server did not answer."""
    error(f"could not reach {server_of(exc)}: {exc}")
    if resume_hint:
        print(f"hubpages: to resume once it answers, run: {resume_hint}", file=sys.stderr)
