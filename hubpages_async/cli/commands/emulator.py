"""``hubpages emulator``: the emulator's own command line, reused as it is."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["run_emulator"]


def run_emulator(argv: Sequence[str]) -> int:
    """Parse ``argv`` with the emulator's parser and serve until SIGINT/SIGTERM.

    Reusing ``build_arg_parser``/``run_from_args`` (instead of copying options) keeps
    ``hubpages emulator`` and ``python -m hubpages_async.emulator`` identical as the
    emulator grows options.
    """
    from hubpages_async.emulator.__main__ import build_arg_parser, run_from_args

    parser = argparse.ArgumentParser(
        prog="hubpages emulator",
        description="Run the local HubSpot CMS Pages API emulator until Ctrl-C. It prints "
        "`listening on http://HOST:PORT`; point other commands at it with --base-url.",
    )
    return run_from_args(build_arg_parser(parser).parse_args(argv))
