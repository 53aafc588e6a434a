"""``hubpages emulator``: the emulator's own command line, passed through untouched."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["run_emulator"]


def run_emulator(argv: Sequence[str]) -> int:
    """Run ``python -m hubpages_async.emulator`` with ``argv``; its parser does the parsing.

    Reusing the emulator's entry point (instead of copying its options) keeps the two
    spellings identical as the emulator grows options.
    """
    from hubpages_async.emulator.__main__ import main as emulator_main

    status = emulator_main(list(argv), prog="hubpages emulator")
    return int(status or 0)
