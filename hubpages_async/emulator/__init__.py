"""A local HubSpot CMS Pages API v3 server, faithful to the published contract.

Start it from Python (``async with Emulator() as emu: ...``), from the command line
(``python -m hubpages_async.emulator --port 0``) or in tests through the pytest fixtures
``hubspot_emulator`` and ``emulator_factory`` (registered automatically).
"""

from __future__ import annotations

from .app import PREFIXES, RequestRecord
from .auth import TokenSpec, parse_token_spec, token_id
from .faults import FaultPlan, parse_faults
from .limits import RateLimit, parse_rate_limit
from .seed import realistic_page
from .server import Emulator
from .store import Store

__all__ = [
    "PREFIXES",
    "Emulator",
    "FaultPlan",
    "RateLimit",
    "RequestRecord",
    "Store",
    "TokenSpec",
    "parse_faults",
    "parse_rate_limit",
    "parse_token_spec",
    "realistic_page",
    "token_id",
]
