"""``python -m hubpages_async``: the ``hubpages`` command, for when the script is not on PATH.

With arguments it runs the command (``python -m hubpages_async export --type site-pages``);
without any it prints the version and the command's help, and exits 0.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ._version import __version__

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv``, or describe the package when there is none."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        from .cli._args import build_parser

        print(f"hubpages_async {__version__}: an asyncio client for HubSpot's CMS Pages API v3")
        print("The `hubpages` command (also `python -m hubpages_async COMMAND ...`):\n")
        build_parser().print_help()
        return 0
    from .cli.__main__ import main as cli_main

    return cli_main(arguments)


if __name__ == "__main__":
    sys.exit(main())
