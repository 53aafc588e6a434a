"""The exception hierarchy of the contract."""

from __future__ import annotations

import pytest

from hubpages_async import errors
from hubpages_async.models import ErrorBody


def test_hierarchy() -> None:
    for cls in (
        errors.BadRequestError,
        errors.AuthenticationError,
        errors.PermissionDeniedError,
        errors.NotFoundError,
        errors.ConflictError,
        errors.LockedError,
        errors.RateLimitError,
        errors.ServerError,
    ):
        assert issubclass(cls, errors.APIStatusError)
    assert issubclass(errors.APIStatusError, errors.APIError)
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert issubclass(errors.APIConnectionError, errors.APIError)
    assert issubclass(errors.APIError, errors.HubPagesError)
    assert issubclass(errors.OutcomeUnknownError, errors.HubPagesError)
    assert issubclass(errors.ValidationError, ValueError)
    assert issubclass(errors.ValidationError, errors.HubPagesError)
    assert issubclass(errors.ResponseValidationError, errors.HubPagesError)
    assert issubclass(errors.IncompleteBatchError, errors.HubPagesError)


@pytest.mark.parametrize(
    ("status", "name"), [(400, "BadRequestError"), (599, "ServerError"), (418, "APIStatusError")]
)
def test_status_error_class(status: int, name: str) -> None:
    assert errors.status_error_class(status).__name__ == name


def test_validation_error_names_the_field() -> None:
    exc = errors.ValidationError("pages[3].template_path", "is required")
    assert exc.field == "pages[3].template_path"
    assert str(exc) == "pages[3].template_path: is required"


def test_outcome_unknown_carries_the_request() -> None:
    cause = errors.APIConnectionError("reset", method="POST", path="/p")
    exc = errors.OutcomeUnknownError(method="POST", path="/p", body={"name": "x"}, cause=cause)
    assert (exc.method, exc.path, exc.body, exc.cause) == ("POST", "/p", {"name": "x"}, cause)
    assert "outcome unknown" in str(exc)


def test_status_error_without_body() -> None:
    exc = errors.NotFoundError(404)
    assert exc.message == "HTTP 404"
    assert exc.errors == []
    assert exc.context == {}
    assert exc.correlation_id is None
    limited = errors.RateLimitError(429, ErrorBody(policy_name="DAILY"), interval=10.0)
    assert limited.is_daily
    assert limited.interval == 10.0
