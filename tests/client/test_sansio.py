"""The pure decipher step: every status, every body shape, the rate-limit headers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime

import msgspec
import pytest

from hubpages_async import errors
from hubpages_async._acyclic import decode_acyclic
from hubpages_async._sansio import (
    RateLimitInfo,
    decipher,
    decoder_for,
    encode,
    lower_headers,
    parse_retry_after,
)
from hubpages_async.models import UNSET, BatchResponse, CollectionResponse, Page

ERROR = (
    b'{"status":"error","message":"Thing went wrong","correlationId":"c0ffee",'
    b'"category":"VALIDATION_ERROR","subCategory":"Sub","errors":[{"message":"bad",'
    b'"code":"INVALID","in":"name","context":{"propertyName":["name"]}}],'
    b'"context":{"id":["7"]}}'
)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (423, errors.LockedError),
        (429, errors.RateLimitError),
        (500, errors.ServerError),
        (502, errors.ServerError),
        (503, errors.ServerError),
        (504, errors.ServerError),
        (521, errors.ServerError),
        (414, errors.APIStatusError),
        (477, errors.APIStatusError),
    ],
)
def test_each_status_maps_to_its_class(status: int, cls: type[errors.APIStatusError]) -> None:
    with pytest.raises(cls) as info:
        decipher(status, {}, ERROR, Page, method="GET", path="/cms/v3/pages/site-pages/7")
    exc = info.value
    assert type(exc) is cls
    assert isinstance(exc, errors.APIError)
    assert exc.status == status
    assert exc.category == "VALIDATION_ERROR"
    assert exc.sub_category == "Sub"
    assert exc.correlation_id == "c0ffee"
    assert exc.message == "Thing went wrong"
    assert exc.context == {"id": ["7"]}
    assert exc.errors[0].in_ == "name"
    assert exc.errors[0].code == "INVALID"
    assert exc.method == "GET"
    assert exc.path == "/cms/v3/pages/site-pages/7"
    assert "c0ffee" in str(exc)
    assert "Thing went wrong" in str(exc)
    assert "VALIDATION_ERROR" in repr(exc)


def test_correlation_id_falls_back_to_the_header() -> None:
    with pytest.raises(errors.NotFoundError) as info:
        decipher(404, {"x-hubspot-correlation-id": "from-header"}, b'{"message":"no"}')
    assert info.value.correlation_id == "from-header"


@pytest.mark.parametrize("body", [b"", b"   ", b"<html>Bad Gateway</html>", b"[1,2]", b'"x"'])
def test_any_error_body_is_tolerated(body: bytes) -> None:
    with pytest.raises(errors.ServerError) as info:
        decipher(502, {}, body)
    exc = info.value
    assert exc.status == 502
    assert exc.category is None
    if body.startswith(b"<html>"):
        assert "Bad Gateway" in exc.message
    else:
        assert exc.message


def test_429_ten_secondly_carries_policy_retry_after_and_interval() -> None:
    body = (
        b'{"status":"error","message":"You have reached your ten_secondly_rolling limit.",'
        b'"errorType":"RATE_LIMIT","correlationId":"r1","policyName":"TEN_SECONDLY_ROLLING"}'
    )
    headers = lower_headers(
        {"Retry-After": "3", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}
    )
    with pytest.raises(errors.RateLimitError) as info:
        decipher(429, headers, body)
    exc = info.value
    assert exc.policy_name == "TEN_SECONDLY_ROLLING"
    assert not exc.is_daily
    assert exc.retry_after == 3.0
    assert exc.interval == 10.0
    assert exc.category == "RATE_LIMIT"  # errorType stands in for the missing category
    assert exc.correlation_id == "r1"


def test_429_daily_is_recognised() -> None:
    body = b'{"message":"You have reached your daily limit.","policyName":"DAILY"}'
    with pytest.raises(errors.RateLimitError) as info:
        decipher(429, {}, body)
    assert info.value.is_daily
    assert info.value.retry_after is None


def test_retry_after_is_kept_on_any_error() -> None:
    with pytest.raises(errors.ServerError) as info:
        decipher(503, {"retry-after": "7"}, b"{}")
    assert info.value.retry_after == 7.0


def test_success_decodes_typed_and_tolerates_unknowns() -> None:
    body = (
        b'{"results":[{"id":"1","name":"A","newField":{"x":1},"currentState":"BRAND_NEW",'
        b'"createdAt":"2024-02-06T19:02:33.991Z","language":null}],"total":1,'
        b'"paging":{"next":{"after":"abc","link":"?after=abc"}}}'
    )
    page = decipher(200, {}, body, CollectionResponse[Page])
    assert page.total == 1
    assert page.next_after == "abc"
    assert page.results[0].current_state == "BRAND_NEW"
    assert page.results[0].created == datetime(2024, 2, 6, 19, 2, 33, 991000, tzinfo=UTC)
    assert page.results[0].language is None
    assert page.results[0].slug is UNSET  # missing stays distinguishable from null
    # The other spelling, an enum value HubSpot may add later, nulls in structures.
    other = decipher(
        200,
        {},
        b'{"id":"2","updatedAt":"2024-02-07T00:00:00Z","state":"SOME_NEW_STATE",'
        b'"widgets":null,"layoutSections":{"x":{"rows":[]}},"archivedAt":null}',
        Page,
    )
    assert other.updated == datetime(2024, 2, 7, tzinfo=UTC)
    assert other.state == "SOME_NEW_STATE"
    assert other.widgets is None
    empty = decipher(200, {}, b"{}", BatchResponse[Page])
    assert empty.status is UNSET
    assert empty.is_terminal  # no status at all: a synchronous answer, as HubSpot's are
    queued = decipher(200, {}, b'{"status":"QUEUED","results":[]}', BatchResponse[Page])
    assert not queued.is_terminal  # an unknown status is not mistaken for COMPLETE


@pytest.mark.parametrize("status", [200, 201, 204, 207])
def test_bodies_are_ignored_only_where_none_is_due(status: int) -> None:
    # Issue 10: an empty 2xx where a Page was due proves nothing; it used to be None.
    with pytest.raises(errors.ResponseValidationError, match="empty body"):
        decipher(status, {}, b"", Page)
    assert decipher(status, {}, b"", None) is None
    assert decipher(status, {}, b'{"id":"1"}', None) is None


def test_207_batch_with_errors_is_data_not_an_exception() -> None:
    body = (
        b'{"status":"COMPLETE","results":[],"numErrors":1,"errors":[{"status":"error",'
        b'"category":"CONFLICT","message":"dup","context":{"index":["0"]}}]}'
    )
    result = decipher(207, {}, body, BatchResponse[Page])
    assert result.num_errors == 1
    assert result.errors[0].context == {"index": ["0"]}


def test_undecodable_success_is_a_response_validation_error() -> None:
    with pytest.raises(errors.ResponseValidationError) as info:
        decipher(200, {}, b'{"id": 5}', Page, method="GET", path="/x")
    assert isinstance(info.value.__cause__, msgspec.ValidationError)
    with pytest.raises(errors.ResponseValidationError):
        decipher(200, {}, b"{not json", Page)


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    """Leave the interpreter's collector as the test found it, whatever the test did."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_decoding_pauses_the_collector_and_restores_it(collector_enabled: None) -> None:
    seen: list[bool] = []

    class Probe(msgspec.Struct):
        name: str

        def __post_init__(self) -> None:  # runs inside the decode
            seen.append(gc.isenabled())

    decoded = decode_acyclic(decoder_for(list[Probe]), b'[{"name": "a"}, {"name": "b"}]')
    assert [probe.name for probe in decoded] == ["a", "b"]
    assert seen == [False, False]
    assert gc.isenabled()
    # A failed decode restores it too.
    with pytest.raises(msgspec.ValidationError):
        decode_acyclic(decoder_for(list[Probe]), b'[{"name": 1}]')
    assert gc.isenabled()


def test_decoding_leaves_a_disabled_collector_disabled(collector_enabled: None) -> None:
    gc.disable()
    assert decipher(200, {}, b'{"id": "1", "name": "A"}', Page).name == "A"
    assert not gc.isenabled()


def test_decoders_are_cached_per_type() -> None:
    assert decoder_for(Page) is decoder_for(Page)
    assert decoder_for(CollectionResponse[Page]) is decoder_for(CollectionResponse[Page])


def test_encode_omits_unset_fields() -> None:
    assert encode(Page(name="A", template_path="t.html")) == (
        b'{"name":"A","templatePath":"t.html"}'
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("2", 2.0),
        (" 1.5 ", 1.5),
        ("-4", 0.0),
        ("nan", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


def test_rate_limit_headers_any_case() -> None:
    headers = lower_headers(
        {
            "x-hubspot-ratelimit-max": "100",
            "X-HubSpot-RateLimit-Remaining": "41",
            "X-HUBSPOT-RATELIMIT-INTERVAL-MILLISECONDS": "10000",
            "X-HubSpot-RateLimit-Daily": "250000",
            "X-HubSpot-RateLimit-Daily-Remaining": "249000",
        }
    )
    info = RateLimitInfo.from_headers(headers)
    assert info == RateLimitInfo(
        max=100, remaining=41, interval=10.0, daily=250000, daily_remaining=249000
    )
    assert info.pause_for is None


def test_pause_for_rules() -> None:
    assert RateLimitInfo(remaining=0, interval=10.0).pause_for == 10.0
    assert RateLimitInfo(remaining=0, interval=10.0, retry_after=2.0).pause_for == 2.0
    assert RateLimitInfo(rate_limited=True, interval=10.0).pause_for == 10.0
    assert RateLimitInfo(rate_limited=True).pause_for is None  # the limiter picks a default
    assert RateLimitInfo(remaining=3, retry_after=2.0).pause_for is None
    garbage = RateLimitInfo.from_headers({"x-hubspot-ratelimit-remaining": "lots"})
    assert garbage.remaining is None


def test_daily_429_does_not_mark_rate_limited() -> None:
    assert not RateLimitInfo.from_headers({}, status=429, daily=True).rate_limited
    assert RateLimitInfo.from_headers({}, status=429).rate_limited
