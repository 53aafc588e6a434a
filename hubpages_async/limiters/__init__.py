"""The :class:`Limiter` protocol's implementations.

- :class:`SlidingWindowLimiter` (the default): an exact in-process log of send times;
- :class:`SteadyLimiter`: meters requests out evenly (aiolimiter's leaky bucket);
- :class:`RedisLimiter` (``pip install 'hubpages-async[redis]'``): one budget shared by
  every process and host on a token.

``RedisLimiter`` is imported on first use, so the core install never needs ``redis``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._throttle import Limiter, RateLimit, SlidingWindowLimiter, SteadyLimiter

if TYPE_CHECKING:
    from ._redis import RedisLimiter

__all__ = ["Limiter", "RateLimit", "RedisLimiter", "SlidingWindowLimiter", "SteadyLimiter"]


def __getattr__(name: str) -> Any:
    if name == "RedisLimiter":
        from ._redis import RedisLimiter

        return RedisLimiter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
