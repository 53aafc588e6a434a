"""hubpages_async: an asyncio-native client for HubSpot's CMS Pages API v3."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
