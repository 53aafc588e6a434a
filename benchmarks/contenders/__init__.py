"""The clients under test, imported lazily so a missing peer SDK only disables itself."""

from __future__ import annotations

import importlib
from typing import Final

from ._base import TOKEN, Contender, Job, Outcome

__all__ = ["CONTENDERS", "TOKEN", "Contender", "Job", "Outcome", "load"]

#: Registry key -> "module:Class" inside this package.
CONTENDERS: Final[dict[str, str]] = {
    "hubpages_async": "hubpages:Hubpages",
    "hubspot-sdk": "hubspot_sdk:HubspotSdk",
    "hubspot-api-client": "hubspot_api_client:HubspotApiClient",
    "floor": "floor:Floor",
}


def load(key: str) -> Contender:
    """Import and instantiate the contender registered under ``key``."""
    module_name, _, class_name = CONTENDERS[key].partition(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    contender: Contender = getattr(module, class_name)()
    return contender
