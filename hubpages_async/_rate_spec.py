"""The one spelling of a rate limit on a command line: ``N/10s``, ``N/500ms`` or ``none``.

Shared by ``hubpages`` (``--rate-limit`` of every command) and the emulator's command
line, so ``hubpages demo --rate-limit 190/10s`` and ``hubpages emulator --rate-limit
190/10s`` accept and refuse exactly the same text. A bare number is refused: HubSpot
states every limit per window, and ``100`` could mean per second or per 10 s.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["RATE_METAVAR", "parse_rate_spec"]

#: The metavar every ``--rate-limit`` shows in ``--help``.
RATE_METAVAR: Final = "N/10s|none"

_RATE: Final = re.compile(r"^\s*(?P<n>\d+)\s*/\s*(?P<w>\d+(?:\.\d+)?)\s*(?P<unit>ms|s)?\s*$")
_OFF: Final = frozenset({"none", "off"})


def parse_rate_spec(text: str) -> tuple[int, float] | None:
    """``"190/10s"`` -> ``(190, 10.0)``; ``"5/500ms"`` -> ``(5, 0.5)``; ``"none"`` -> None.

    Raises ``ValueError`` with a message fit to show the user.

    >>> parse_rate_spec("100/10s")
    (100, 10.0)
    """
    if text.strip().lower() in _OFF:
        return None
    if text.strip().isdigit() and int(text) == 0:
        raise ValueError(f"rate limit {text!r} allows no requests: use none for no limit")
    if text.strip().isdigit():
        raise ValueError(
            f"rate limit {text!r} has no window: write {text.strip()}/10s "
            "(requests per 10 seconds, as HubSpot states its limits), or none"
        )
    match = _RATE.match(text)
    if not match:
        raise ValueError(
            f"rate limit {text!r} is not of the form N/10s (requests per window), or none"
        )
    requests = int(match["n"])
    window = float(match["w"]) / (1000.0 if match["unit"] == "ms" else 1.0)
    if requests <= 0:
        raise ValueError(f"rate limit {text!r} allows no requests: use none for no limit")
    if window <= 0:
        raise ValueError(f"rate limit {text!r} has an empty window")
    return requests, window
