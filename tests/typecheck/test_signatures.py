"""The typed surfaces that are written twice stay in step with what they mirror.

``BulkOptions`` repeats the options of ``hubpages_async.bulk``'s functions (for the
resources' bulk methods), ``ListOptions`` repeats ``list()``'s keywords (for ``export``), and
``PageFilters``/``FolderFilters`` spell out HubSpot's filter table as types. If one side
changes, these fail and name the difference.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

import pytest

from hubpages_async import bulk
from hubpages_async._filters import (
    DATE_PROPERTIES,
    FILTERABLE,
    FOLDER_FILTERABLE,
    LIST_OPERATORS,
    VALUELESS_OPERATORS,
    snake,
)
from hubpages_async.params import (
    BulkOptions,
    FolderFilters,
    FolderListOptions,
    ListOptions,
    PageFilters,
    PageListOptions,
    ReadManyOptions,
)
from hubpages_async.resources import FoldersResource, PagesResource


def _options(func: Callable[..., Any]) -> list[tuple[str, object, str]]:
    """(name, default, annotation) of every keyword-only parameter."""
    return [
        (p.name, p.default, str(p.annotation))
        for p in inspect.signature(func).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("create_many", BulkOptions),
        ("read_many", ReadManyOptions),
        ("update_many", BulkOptions),
        ("archive_many", BulkOptions),
    ],
)
def test_bulk_options_mirror_the_bulk_functions(name: str, options: type[Any]) -> None:
    keywords = {n: annotation for n, _, annotation in _options(getattr(bulk, name))}
    # TypedDict keeps its (postponed) annotations as ForwardRefs: compare their text.
    assert keywords == {k: ref.__forward_arg__ for k, ref in options.__annotations__.items()}
    for resource in (PagesResource, FoldersResource):
        method = inspect.signature(getattr(resource, name))
        assert str(method.parameters["options"].annotation) == f"Unpack[{options.__name__}]"


def test_list_options_are_the_keywords_of_list() -> None:
    for resource in (PagesResource, FoldersResource):
        keywords = {n for n, _, _ in _options(resource.list)} - {"after"}
        assert keywords == set(ListOptions.__annotations__)
        assert all(d is None for _, d, _ in _options(resource.list))
    assert PageListOptions.__optional_keys__ == ListOptions.__optional_keys__ | set(
        PageFilters.__annotations__
    )
    assert FolderListOptions.__optional_keys__ == ListOptions.__optional_keys__ | set(
        FolderFilters.__annotations__
    )


def _expected_filters(properties: frozenset[str] | None) -> dict[str, str]:
    """Every ``property__operator`` of the table (and bare names for ``__eq``), typed."""
    keys: dict[str, str] = {}
    for prop, operators in FILTERABLE.items():
        if properties is not None and prop not in properties:
            continue
        for op in operators:
            if op in VALUELESS_OPERATORS:
                kind = "Literal[True]"
            elif op in LIST_OPERATORS:
                kind = "Collection[str]"
            else:
                kind = "datetime" if prop in DATE_PROPERTIES else "str"
            keys[f"{snake(prop)}__{op}"] = kind
            if op == "eq" and snake(prop) not in ListOptions.__annotations__:
                keys[snake(prop)] = kind
    return keys


@pytest.mark.parametrize(
    ("filters", "properties"), [(PageFilters, None), (FolderFilters, FOLDER_FILTERABLE)]
)
def test_filter_types_spell_out_the_filter_table(
    filters: type[Any], properties: frozenset[str] | None
) -> None:
    hints = typing.get_type_hints(filters)
    shown = {
        key: str(hint).replace("typing.", "").replace("collections.abc.", "")
        for key, hint in hints.items()
    }
    shown = {k: v.replace("<class 'datetime.datetime'>", "datetime") for k, v in shown.items()}
    shown = {k: v.replace("<class 'str'>", "str") for k, v in shown.items()}
    assert shown == _expected_filters(properties)
    assert filters.__required_keys__ == frozenset()
