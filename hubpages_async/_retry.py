"""Pure retry decisions: given what went wrong, retry or not, and after how long.

The rules (facts file, section 3): retry a rolling-window 429, a 423 (after at least
2 s: HubSpot locks last 2 s), 500/502/503/504, connection resets and timeouts, with
exponential backoff and full jitter. Never retry a DAILY 429. A request that is not
idempotent (create, batch create, clone, A/B and language variations) is retried only
when it provably never reached the server; otherwise the decision says "outcome
unknown". A :class:`RetryBudget` caps retries across the whole client so that a dead
server does not turn every call into ``max_attempts`` calls.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from . import errors

__all__ = ["RetryBudget", "RetryDecision", "RetryPolicy", "decide"]

_RETRYABLE_5XX = frozenset({500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How the client retries. ``RetryPolicy.none()`` disables retries.

    >>> RetryPolicy(max_attempts=3, base_delay=0.2).max_attempts
    3

    ``max_attempts`` counts the first try. The budget starts with ``budget`` retry
    tokens; each retry spends one and each success earns back ``budget_credit``, so
    sustained failure stops retrying while occasional failure is always retried.
    Rolling-window 429s do not spend it: the shared pause gate already paces them.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    #: Minimum wait after a 423: HubSpot documents that locks last 2 seconds.
    locked_delay: float = 2.0
    #: A server-requested wait longer than this is surfaced instead of waited out.
    max_retry_after: float = 120.0
    budget: float = 20.0
    budget_credit: float = 0.1

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise errors.ValidationError("max_attempts", "must be at least 1")
        for name in ("base_delay", "max_delay", "locked_delay", "max_retry_after", "budget"):
            if getattr(self, name) < 0:
                raise errors.ValidationError(name, "must not be negative")

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def backoff(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Full jitter: uniform in ``[0, min(max_delay, base_delay * 2**(attempt-1))]``."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** min(attempt - 1, 32))
        return ceiling * rng()


@dataclass(slots=True)
class RetryBudget:
    """A token bucket of retries shared by every request of one client."""

    capacity: float
    credit: float
    tokens: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    @classmethod
    def for_policy(cls, policy: RetryPolicy) -> RetryBudget:
        """The budget a policy describes."""
        return cls(capacity=policy.budget, credit=policy.budget_credit)

    def withdraw(self) -> bool:
        """Spend one retry token; False (nothing spent) when the budget is exhausted."""
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def deposit(self) -> None:
        """Earn back part of a token after a success."""
        self.tokens = min(self.capacity, self.tokens + self.credit)


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """The verdict on one failed attempt.

    ``delay`` is the backoff to sleep before the next attempt. ``outcome_unknown``
    means: not retried because a non-idempotent request may have been applied.
    """

    retry: bool
    reason: str
    delay: float = 0.0
    outcome_unknown: bool = False


def _classify(error: BaseException) -> tuple[str, bool] | None:
    """(reason, safe to repeat even when not idempotent) or None if never retryable."""
    if isinstance(error, errors.RateLimitError):
        # HubSpot rejects a rate-limited request before doing anything with it.
        return None if error.is_daily else ("429 rate limited", True)
    if isinstance(error, errors.LockedError):
        return ("423 locked", True)
    if isinstance(error, errors.APIStatusError):
        if error.status in _RETRYABLE_5XX:
            return (f"{error.status} server error", False)
        return None
    if isinstance(error, errors.APIConnectionError):
        if not error.retryable:
            return None
        kind = "timeout" if isinstance(error, errors.APITimeoutError) else "connection error"
        return (kind, not error.request_sent)
    return None


def decide(
    policy: RetryPolicy,
    error: BaseException,
    *,
    attempt: int,
    idempotent: bool,
    rng: Callable[[], float] = random.random,
) -> RetryDecision:
    """Decide whether attempt number ``attempt`` (1-based) that failed with ``error``
    is retried. Does not consult the budget: the caller does, when ``retry`` is True.
    """
    if isinstance(error, errors.RateLimitError) and error.is_daily:
        return RetryDecision(False, "429 DAILY limit: never retried")
    classified = _classify(error)
    if classified is None:
        return RetryDecision(False, "not retryable")
    reason, safe = classified
    if not (idempotent or safe):
        return RetryDecision(False, f"{reason} on a non-idempotent request", outcome_unknown=True)
    if attempt >= policy.max_attempts:
        return RetryDecision(False, f"{reason}: gave up after {attempt} attempts")
    delay = policy.backoff(attempt, rng)
    if isinstance(error, errors.LockedError):
        delay = max(delay, policy.locked_delay)
    retry_after = error.retry_after if isinstance(error, errors.APIStatusError) else None
    if retry_after is not None and not isinstance(error, errors.RateLimitError):
        # A 429's Retry-After pauses the shared limiter instead (every request waits).
        if retry_after > policy.max_retry_after:
            return RetryDecision(False, f"{reason}: Retry-After {retry_after:g}s is too long")
        delay = max(delay, retry_after)
    if isinstance(error, errors.RateLimitError):
        wait = error.retry_after if error.retry_after is not None else error.interval
        if wait is not None and wait > policy.max_retry_after:
            return RetryDecision(False, f"{reason}: Retry-After {wait:g}s is too long")
    return RetryDecision(True, reason, delay)
