"""The shared wire models: lenient on responses, sparse on requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from spec_files import SPEC_V3

from hubpages_async import _filters
from hubpages_async.models import (
    UNSET,
    BatchResponse,
    CollectionResponse,
    ContentFolder,
    ErrorBody,
    Page,
    StandardError,
)

SPEC_PAGE_FIELDS = 57


def test_page_has_every_spec_field() -> None:
    spec = json.loads(SPEC_V3.read_text())
    spec_fields = set(spec["components"]["schemas"]["Page"]["properties"])
    assert len(spec_fields) == SPEC_PAGE_FIELDS
    wire_names = set(Page.__struct_encode_fields__)
    assert spec_fields <= wire_names
    # The only extras are the guide's alternative spellings.
    assert wire_names - spec_fields == {"createdAt", "updatedAt", "published"}


def test_response_tolerates_unknown_fields_enums_nulls_and_int_category() -> None:
    body = (
        b'{"id":"1","name":"x","abStatus":"brand_new_status","contentTypeCategory":4,'
        b'"folderId":null,"someFutureField":{"a":1}}'
    )
    page = msgspec.json.decode(body, type=Page)
    assert page.ab_status == "brand_new_status"
    assert page.content_type_category == 4
    assert page.folder_id is None
    assert page.slug is UNSET


def test_guide_spellings_fold_into_spec_names() -> None:
    body = (
        b'{"createdAt":"2024-02-06T19:02:33.991Z",'
        b'"updatedAt":"2024-03-28T18:48:55Z","published":true}'
    )
    page = msgspec.json.decode(body, type=Page)
    assert page.created == datetime(2024, 2, 6, 19, 2, 33, 991000, tzinfo=UTC)
    assert page.updated == datetime(2024, 3, 28, 18, 48, 55, tzinfo=UTC)
    assert page.currently_published is True
    encoded = msgspec.json.decode(msgspec.json.encode(page))
    assert "createdAt" not in encoded
    assert "created" in encoded


def test_requests_send_only_what_was_set() -> None:
    page = Page(name="About", template_path="templates/page.html")
    assert msgspec.json.decode(msgspec.json.encode(page)) == {
        "name": "About",
        "templatePath": "templates/page.html",
    }


def test_batch_207_envelope_and_polling_link() -> None:
    body = (
        b'{"status":"PENDING","results":[],"links":{"status":"http://127.0.0.1:1/s/1"},'
        b'"startedAt":"2024-08-15T17:09:13.610Z","completedAt":"2024-08-15T17:09:13.910Z"}'
    )
    pending = msgspec.json.decode(body, type=BatchResponse[Page])
    assert not pending.is_terminal
    assert pending.poll_url == "http://127.0.0.1:1/s/1"
    done = msgspec.json.decode(
        b'{"status":"COMPLETE","results":[{"id":"1"}],"numErrors":1,'
        b'"errors":[{"status":"error","category":"CONFLICT","message":"m","context":{"index":["1"]}}]}',
        type=BatchResponse[Page],
    )
    assert done.is_terminal
    assert done.poll_url is None
    assert isinstance(done.errors, list)
    assert isinstance(done.errors[0], StandardError)
    assert done.errors[0].context == {"index": ["1"]}


def test_error_body_reads_rate_limit_fields_and_detail_in() -> None:
    body = (
        b'{"status":"error","message":"You have reached your ten_secondly_rolling limit.",'
        b'"errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING","correlationId":"c",'
        b'"errors":[{"message":"bad","in":"name"}]}'
    )
    err = msgspec.json.decode(body, type=ErrorBody)
    assert err.policy_name == "TEN_SECONDLY_ROLLING"
    assert err.error_type == "RATE_LIMIT"
    assert isinstance(err.errors, list)
    assert err.errors[0].in_ == "name"


def test_collection_cursor() -> None:
    last = msgspec.json.decode(b'{"total":1,"results":[{"id":"9"}]}', type=CollectionResponse[Page])
    assert last.next_after is None
    more = msgspec.json.decode(
        b'{"total":2,"results":[],"paging":{"next":{"after":"xyz"}}}',
        type=CollectionResponse[ContentFolder],
    )
    assert more.next_after == "xyz"


@pytest.mark.parametrize(
    ("prop", "op", "canonical"),
    [
        ("name", "ilike", "icontains"),
        ("id", "not_in", "nin"),
        ("slug", "nin", "nin"),
        ("state", "neq", "ne"),
        ("domain", "nlike", "not_like"),
        ("createdAt", "exact", "eq"),
        ("translatedFromId", "is_null", "is_null"),
        ("folderId", "null", "is_null"),
    ],
)
def test_filter_synonyms(prop: str, op: str, canonical: str) -> None:
    assert _filters.check_filter(prop, op) == canonical


@pytest.mark.parametrize(
    ("prop", "op", "named"),
    [("name", "contains", "'contains'"), ("color", "eq", "'color'"), ("slug", "zz", "'zz'")],
)
def test_filter_errors_name_the_culprit(prop: str, op: str, named: str) -> None:
    with pytest.raises(_filters.FilterError, match=named):
        _filters.check_filter(prop, op)


@given(st.sampled_from(sorted(_filters.FILTERABLE)), st.text(min_size=1, max_size=12))
def test_filter_check_never_accepts_an_unlisted_operator(prop: str, op: str) -> None:
    try:
        canonical = _filters.check_filter(prop, op)
    except _filters.FilterError:
        return
    assert canonical in _filters.FILTERABLE[prop]
