"""hubpages_async: an asyncio-native client for HubSpot's CMS Pages API v3.

::

    from hubpages_async import HubPages, models

    async with HubPages() as hs:  # token from HUBSPOT_ACCESS_TOKEN
        page = await hs.site_pages.create(models.Page(name="Hi", template_path="t/p.html"))
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from . import errors, models, recipes
from ._client import HubPages
from ._config import ClientConfig
from ._core import ClientStats
from ._retry import RetryPolicy
from ._sansio import RateLimitInfo
from ._throttle import Limiter, RateLimit, SlidingWindowLimiter, SteadyLimiter
from ._version import __version__
from .bulk import BatchProgress, BatchReport, Failed, PollPolicy, Succeeded
from .bulk.journal import Journal
from .models import (
    BatchResponse,
    CollectionResponse,
    ContentFolder,
    Page,
    PageVersion,
    SavedContentFolder,
    SavedPage,
)
from .pagination import AsyncPager
from .resources import FoldersResource, LandingPagesResource, PagesResource

# A library logs; the application decides where it goes (and without a handler of its
# own, Python would print warnings to stderr through its last-resort handler).
logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from .limiters import RedisLimiter


def __getattr__(name: str) -> Any:
    # The Redis limiter lives in an optional extra: import redis only when it is asked for.
    if name == "RedisLimiter":
        from .limiters import RedisLimiter

        return RedisLimiter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AsyncPager",
    "BatchProgress",
    "BatchReport",
    "BatchResponse",
    "ClientConfig",
    "ClientStats",
    "CollectionResponse",
    "ContentFolder",
    "Failed",
    "FoldersResource",
    "HubPages",
    "Journal",
    "LandingPagesResource",
    "Limiter",
    "Page",
    "PageVersion",
    "PagesResource",
    "PollPolicy",
    "RateLimit",
    "RateLimitInfo",
    "RedisLimiter",
    "RetryPolicy",
    "SavedContentFolder",
    "SavedPage",
    "SlidingWindowLimiter",
    "SteadyLimiter",
    "Succeeded",
    "__version__",
    "errors",
    "models",
    "recipes",
]
