"""Filter encoding and the pager's laziness, without a server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubpages_async import AsyncPager, errors
from hubpages_async.models import CollectionResponse, NextPage, Paging
from hubpages_async.pagination import camel, encode_filters, encode_value, list_params


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("publish_date", "publishDate"),
        ("publishDate", "publishDate"),
        ("dynamic_page_hub_db_table_id", "dynamicPageHubDbTableId"),
        ("ab_test_id", "abTestId"),
        ("name", "name"),
    ],
)
def test_camel(name: str, expected: str) -> None:
    assert camel(name) == expected


def test_filters_snake_or_camel_synonyms_and_values() -> None:
    cet = timezone(timedelta(hours=1))
    encoded = encode_filters(
        {
            "name__icontains": "pricing",
            "publish_date__gt": datetime(2024, 5, 1, 13, 30, tzinfo=cet),
            "updatedAt__lte": datetime(2024, 5, 1, tzinfo=UTC),
            "slug__in": ["a", "b", "c"],
            "id__not_in": ("1", "2"),
            "state__neq": "DRAFT",
            "slug__ilike": "x",
            "folder_id__null": True,
            "translated_from_id__not_null": None,
            "language__in": {"fr", "de"},
            "ab_status__eq": "MASTER",
            "created_at__gte": 1714560000000,
        }
    )
    assert encoded == [
        ("name__icontains", "pricing"),
        ("publishDate__gt", "2024-05-01T12:30:00.000Z"),
        ("updatedAt__lte", "2024-05-01T00:00:00.000Z"),
        ("slug__in", "a,b,c"),
        ("id__nin", "1,2"),
        ("state__ne", "DRAFT"),
        ("slug__icontains", "x"),
        ("folderId__is_null", ""),
        ("translatedFromId__not_null", ""),
        ("language__in", "de,fr"),
        ("abStatus__eq", "MASTER"),
        ("createdAt__gte", "1714560000000"),
    ]


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("colour__eq", "red", ["colour"]),
        ("name__gt", "x", ["name", "gt"]),
        ("language", "en", ["language", "eq"]),
        ("nmae__eq", "x", ["did you mean 'name'"]),
        ("created__gt", datetime(2024, 1, 1, tzinfo=UTC), ["did you mean 'createdAt'"]),
        ("publish_dat__gt", datetime(2024, 1, 1, tzinfo=UTC), ["did you mean 'publish_date'"]),
        ("name__icontain", "x", ["did you mean 'icontains'"]),
        ("publish_date__gt", "yesterday", ["'yesterday'", "ISO 8601"]),
        ("publish_date__gt", True, ["bool"]),
        ("name__eq", ["a", "b"], ["name__in"]),
        ("slug__in", [], ["at least one"]),
        ("current_state__eq", "DRAFT", ["currentState"]),
        ("name__frobnicate", "x", ["frobnicate"]),
        ("publish_date__gt", datetime(2024, 1, 1), ["timezone"]),
        ("folder_id__is_null", "yes", ["no value"]),
        ("name__eq", None, ["value"]),
        ("name__eq", object(), ["object"]),
    ],
)
def test_bad_filters_name_the_parameter(key: str, value: object, words: list[str]) -> None:
    with pytest.raises(errors.ValidationError) as info:
        encode_filters({key: value})
    assert info.value.field == key
    for word in words:
        assert word in str(info.value)


def test_a_bare_name_is_equality_and_a_filter_is_given_once() -> None:
    # The CLI's ``--filter state=DRAFT`` and ``list(state="DRAFT")`` mean the same.
    assert encode_filters({"state": "DRAFT", "publish_date": "2024-05-01"}) == [
        ("state__eq", "DRAFT"),
        ("publishDate__eq", "2024-05-01T00:00:00.000Z"),
    ]
    with pytest.raises(errors.ValidationError, match="repeats the filter name__icontains"):
        encode_filters({"name__icontains": "a", "name__ilike": "b"})


def test_folder_filters_are_the_folder_subset() -> None:
    assert encode_filters({"name__icontains": "x"}, properties={"name"}) == [
        ("name__icontains", "x")
    ]
    with pytest.raises(errors.ValidationError, match="slug__eq"):
        encode_filters({"slug__eq": "x"}, properties={"name"})


def test_encode_value_odds_and_ends() -> None:
    assert encode_value(True, field="f") == "true"
    assert encode_value(False, field="f") == "false"
    assert encode_value(date(2024, 1, 2), field="f") == "2024-01-02"
    assert encode_value(1.5, field="f") == "1.5"


def test_list_params() -> None:
    params = list_params(
        limit=10,
        sort=["-publish_date", "name"],
        properties=["name", "template_path"],
        archived=False,
        dates={"created_after": datetime(2024, 1, 1, tzinfo=UTC), "updated_at": None},
        filters={"slug__eq": "x"},
    )
    assert params == [
        ("limit", "10"),
        ("archived", "false"),
        ("sort", "-publishDate"),
        ("sort", "name"),
        ("property", "name,templatePath"),
        ("createdAfter", "2024-01-01T00:00:00.000Z"),
        ("slug__eq", "x"),
    ]
    assert list_params(sort="-updated_at", properties="name") == [
        ("sort", "-updatedAt"),
        ("property", "name"),
    ]


@pytest.mark.parametrize("limit", [0, -1, True, 1.5, "10"])
def test_bad_limit(limit: object) -> None:
    with pytest.raises(errors.ValidationError, match="limit"):
        list_params(limit=limit)  # type: ignore[arg-type]


def fake_pages(items: list[int], size: int) -> tuple[AsyncPager[int], list[str | None]]:
    calls: list[str | None] = []

    async def fetch(after: str | None) -> CollectionResponse[int]:
        calls.append(after)
        start = int(after or 0)
        chunk = items[start : start + size]
        nxt = start + size
        paging = Paging(next=NextPage(after=str(nxt))) if nxt < len(items) else None
        return CollectionResponse(results=chunk, total=len(items), paging=paging)

    return AsyncPager(fetch), calls


async def test_pager_is_lazy_awaitable_and_iterable() -> None:
    pager, calls = fake_pages(list(range(7)), 3)
    assert calls == []  # nothing fetched until used
    first = await pager
    assert first.results == [0, 1, 2]
    assert calls == [None]
    assert [x async for x in pager] == list(range(7))
    assert calls == [None, None, "3", "6"]
    sizes = [len(p.results) async for p in pager.pages()]
    assert sizes == [3, 3, 1]


async def test_pager_stops_early_without_fetching_more() -> None:
    pager, calls = fake_pages(list(range(100)), 10)
    async for item in pager:
        if item == 12:
            break
    assert calls == [None, "10"]


@given(n=st.integers(0, 60), size=st.integers(1, 13))
async def test_each_item_exactly_once_for_any_page_size(n: int, size: int) -> None:
    pager, _ = fake_pages(list(range(n)), size)
    assert [x async for x in pager] == list(range(n))


async def test_a_repeated_cursor_is_an_error_not_an_endless_loop() -> None:
    async def fetch(after: str | None) -> CollectionResponse[int]:
        return CollectionResponse(results=[1], paging=Paging(next=NextPage(after="same")))

    with pytest.raises(errors.ResponseValidationError, match="same"):
        async for _ in AsyncPager(fetch):
            pass
