"""One module per subcommand; each exposes ``async def run(args) -> int`` (exit status)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable

from . import demo, export, import_, migrate, verify

__all__ = ["COMMANDS"]

COMMANDS: dict[str, Callable[[argparse.Namespace], Awaitable[int]]] = {
    "export": export.run,
    "import": import_.run,
    "migrate": migrate.run,
    "demo": demo.run,
    "verify": verify.run,
}
