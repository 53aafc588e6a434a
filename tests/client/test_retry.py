"""Pure retry decisions: each rule, the DAILY rule, the non-idempotent rule, the budget."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubpages_async import errors
from hubpages_async._retry import RetryBudget, RetryPolicy, decide
from hubpages_async._sansio import error_from_response
from hubpages_async.models import ErrorBody

POLICY = RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=8.0, locked_delay=2.0)


def status_error(
    status: int, *, policy: str | None = None, retry_after: str | None = None
) -> errors.APIStatusError:
    body = b'{"policyName":"%s"}' % policy.encode() if policy else b"{}"
    headers = {"retry-after": retry_after} if retry_after else {}
    return error_from_response(status, headers, body, method="GET", path="/p")


def conn(*, sent: bool, timeout: bool = False, retryable: bool = True) -> errors.APIConnectionError:
    cls = errors.APITimeoutError if timeout else errors.APIConnectionError
    return cls("boom", request_sent=sent, retryable=retryable)


RETRYABLE = [
    status_error(429, policy="TEN_SECONDLY_ROLLING"),
    status_error(423),
    status_error(500),
    status_error(502),
    status_error(503),
    status_error(504),
    conn(sent=True),
    conn(sent=False),
    conn(sent=True, timeout=True),
    conn(sent=False, timeout=True),
]


@pytest.mark.parametrize("error", RETRYABLE, ids=repr)
def test_retryable_errors_are_retried_when_idempotent(error: Exception) -> None:
    decision = decide(POLICY, error, attempt=1, idempotent=True, rng=lambda: 1.0)
    assert decision.retry
    assert not decision.outcome_unknown
    assert decision.delay >= 0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 414, 477, 501, 505])
def test_other_statuses_are_never_retried(status: int) -> None:
    decision = decide(POLICY, status_error(status), attempt=1, idempotent=True)
    assert not decision.retry
    assert not decision.outcome_unknown


def test_daily_429_is_never_retried_even_idempotent() -> None:
    for idempotent in (True, False):
        decision = decide(
            POLICY, status_error(429, policy="DAILY"), attempt=1, idempotent=idempotent
        )
        assert not decision.retry
        assert not decision.outcome_unknown
        assert "DAILY" in decision.reason


def test_daily_policy_name_case_insensitive() -> None:
    assert not decide(POLICY, status_error(429, policy="daily"), attempt=1, idempotent=True).retry


def test_tls_failures_are_not_retried() -> None:
    decision = decide(POLICY, conn(sent=False, retryable=False), attempt=1, idempotent=True)
    assert not decision.retry


@pytest.mark.parametrize(
    "error",
    [
        status_error(500),
        status_error(502),
        status_error(503),
        status_error(504),
        conn(sent=True),
        conn(sent=True, timeout=True),
    ],
    ids=repr,
)
def test_non_idempotent_that_may_have_reached_the_server_is_outcome_unknown(
    error: Exception,
) -> None:
    decision = decide(POLICY, error, attempt=1, idempotent=False)
    assert not decision.retry
    assert decision.outcome_unknown


@pytest.mark.parametrize(
    "error",
    [
        conn(sent=False),
        conn(sent=False, timeout=True),
        status_error(429, policy="TEN_SECONDLY_ROLLING"),
        status_error(423),
    ],
    ids=repr,
)
def test_non_idempotent_that_provably_was_not_applied_is_retried(error: Exception) -> None:
    decision = decide(POLICY, error, attempt=1, idempotent=False)
    assert decision.retry
    assert not decision.outcome_unknown


def test_attempts_are_capped() -> None:
    error = status_error(503)
    assert decide(POLICY, error, attempt=4, idempotent=True).retry
    last = decide(POLICY, error, attempt=5, idempotent=True)
    assert not last.retry
    assert "5 attempts" in last.reason
    assert not decide(RetryPolicy.none(), error, attempt=1, idempotent=True).retry


def test_exponential_backoff_with_full_jitter() -> None:
    ceilings = [POLICY.backoff(n, lambda: 1.0) for n in range(1, 8)]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert POLICY.backoff(3, lambda: 0.0) == 0.0
    assert POLICY.backoff(3, lambda: 0.25) == 0.5


@given(attempt=st.integers(1, 200), u=st.floats(0, 1))
def test_backoff_stays_within_bounds(attempt: int, u: float) -> None:
    delay = POLICY.backoff(attempt, lambda: u)
    assert 0.0 <= delay <= POLICY.max_delay


def test_locked_waits_at_least_two_seconds() -> None:
    decision = decide(POLICY, status_error(423), attempt=1, idempotent=True, rng=lambda: 0.0)
    assert decision.delay == 2.0


def test_retry_after_raises_the_delay_of_a_5xx() -> None:
    decision = decide(
        POLICY, status_error(503, retry_after="6"), attempt=1, idempotent=True, rng=lambda: 0.0
    )
    assert decision.retry
    assert decision.delay == 6.0


def test_too_long_retry_after_is_surfaced() -> None:
    policy = RetryPolicy(max_retry_after=30)
    assert not decide(
        policy, status_error(503, retry_after="3600"), attempt=1, idempotent=True
    ).retry
    long_429 = status_error(429, policy="TEN_SECONDLY_ROLLING", retry_after="3600")
    assert not decide(policy, long_429, attempt=1, idempotent=True).retry


def test_429_delay_is_backoff_only_the_limiter_does_the_pause() -> None:
    error = status_error(429, policy="TEN_SECONDLY_ROLLING", retry_after="9")
    decision = decide(POLICY, error, attempt=1, idempotent=True, rng=lambda: 0.0)
    assert decision.retry
    assert decision.delay == 0.0


def test_unrelated_exceptions_are_not_retried() -> None:
    assert not decide(POLICY, ValueError("x"), attempt=1, idempotent=True).retry
    assert not decide(POLICY, errors.ResponseValidationError("x"), attempt=1, idempotent=True).retry


def test_budget_stops_a_retry_storm_and_refills_on_success() -> None:
    budget = RetryBudget(capacity=3, credit=0.5)
    assert [budget.withdraw() for _ in range(5)] == [True, True, True, False, False]
    budget.deposit()
    assert not budget.withdraw()  # half a token is not a retry
    budget.deposit()
    assert budget.withdraw()
    for _ in range(100):
        budget.deposit()
    assert budget.tokens == 3  # never above capacity


def test_budget_from_policy() -> None:
    budget = RetryBudget.for_policy(RetryPolicy(budget=7, budget_credit=0.2))
    assert (budget.capacity, budget.credit, budget.tokens) == (7, 0.2, 7)


@pytest.mark.parametrize(
    "kwargs", [{"max_attempts": 0}, {"base_delay": -1}, {"budget": -1}, {"locked_delay": -0.1}]
)
def test_policy_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(errors.ValidationError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_rate_limit_error_without_body_is_not_daily() -> None:
    exc = errors.RateLimitError(429, ErrorBody())
    assert not exc.is_daily
    assert decide(POLICY, exc, attempt=1, idempotent=False).retry
