"""HubSpot's rate limits: a rolling window per token and a daily budget per portal.

HubSpot counts the burst limit per app (token) over a *rolling* 10-second window
(policy ``TEN_SECONDLY_ROLLING``) and the daily limit per account (policy ``DAILY``).
Every answered request carries the ``X-HubSpot-RateLimit-*`` headers; a refused one gets
a 429 whose body has ``errorType: RATE_LIMIT`` and the ``policyName`` (facts file, 3.2-3.5).
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .._rate_spec import parse_rate_spec
from .errors import ApiError

__all__ = ["RateLimit", "RateLimiter", "parse_rate_limit"]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``requests`` per rolling ``window`` seconds."""

    requests: int
    window: float


def parse_rate_limit(spec: str | RateLimit | None) -> RateLimit | None:
    """Parse ``"190/10s"`` (also ``"5/500ms"``); ``None`` or ``"none"`` means unlimited.

    The grammar is the one every ``hubpages`` command uses (``hubpages_async._rate_spec``).
    """
    if spec is None or isinstance(spec, RateLimit):
        return spec
    if not spec.strip():
        return None
    parsed = parse_rate_spec(spec)
    return None if parsed is None else RateLimit(*parsed)


class RateLimiter:
    """Admits or refuses requests; ``admit`` returns the headers to send either way."""

    def __init__(
        self,
        rate: RateLimit | None,
        daily: int | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.rate = rate
        self.daily = daily
        self._clock = clock
        self._wall = wall_clock
        self._windows: dict[str, deque[float]] = {}
        self._days: dict[int, tuple[int, int]] = {}  # portal -> (day number, used)

    def admit(self, token_id: str, portal: int) -> tuple[float, dict[str, str]]:
        """Count one request, returning (admission time, headers) or raising a 429."""
        now = self._clock()
        headers: dict[str, str] = {}
        rate = self.rate
        window: deque[float] | None = None
        if rate is not None:
            window = self._windows.get(token_id)
            if window is None:
                window = self._windows[token_id] = deque()
            horizon = now - rate.window
            while window and window[0] <= horizon:
                window.popleft()
            headers["X-HubSpot-RateLimit-Max"] = str(rate.requests)
            headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = str(int(rate.window * 1000))
            if len(window) >= rate.requests:
                headers["X-HubSpot-RateLimit-Remaining"] = "0"
                retry_after = max(0.0, window[0] + rate.window - now)
                # HubSpot documents no Retry-After on 429; we add it (facts 3.4 suggests it).
                headers["Retry-After"] = str(max(1, int(retry_after + 0.999)))
                self._add_daily_headers(headers, portal, consume=False)
                raise _rate_error("TEN_SECONDLY_ROLLING", headers, token_id)
        if self.daily is not None:
            _day, used = self._day_usage(portal)
            if used >= self.daily:
                if rate is not None and window is not None:
                    headers["X-HubSpot-RateLimit-Remaining"] = str(rate.requests - len(window))
                self._add_daily_headers(headers, portal, consume=False)
                raise _rate_error("DAILY", headers, token_id)
        if window is not None and rate is not None:
            window.append(now)
            headers["X-HubSpot-RateLimit-Remaining"] = str(rate.requests - len(window))
        self._add_daily_headers(headers, portal, consume=True)
        return now, headers

    def _day_usage(self, portal: int) -> tuple[int, int]:
        day = int(self._wall() // 86400)
        stored = self._days.get(portal)
        if stored is None or stored[0] != day:
            stored = (day, 0)
            self._days[portal] = stored
        return stored

    def _add_daily_headers(self, headers: dict[str, str], portal: int, *, consume: bool) -> None:
        if self.daily is None:
            return
        day, used = self._day_usage(portal)
        if consume:
            used += 1
            self._days[portal] = (day, used)
        headers["X-HubSpot-RateLimit-Daily"] = str(self.daily)
        headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(max(0, self.daily - used))


def _rate_error(policy: str, headers: dict[str, str], token_id: str) -> ApiError:
    if policy == "DAILY":
        message = "You have reached your daily limit."
        group = f"publicapi:private_app-api-calls-daily:{token_id}"
    else:
        message = "You have reached your ten_secondly_rolling limit."
        group = f"publicapi:private_app-api-calls-ten-secondly:{token_id}"
    # HubSpot's 429 body uses errorType/policyName; "category" is added (as some of
    # HubSpot's own mocks do) so the body also satisfies the spec's Error schema.
    return ApiError(
        429,
        "RATE_LIMITS",
        message,
        extra={
            "errorType": "RATE_LIMIT",
            "policyName": policy,
            "groupName": group,
            "requestId": str(uuid.uuid4()),
        },
        headers=headers,
    )
