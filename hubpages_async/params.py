"""Keyword arguments of ``list()``, ``export()`` and the bulk methods, as types.

``hs.site_pages.list(**filters)`` takes :class:`PageFilters` and
``hs.landing_pages.folders.list(**filters)`` :class:`FolderFilters`, so ``mypy`` or an
IDE rejects an unknown name (``nmae__eq=``) or a wrong value (``publish_date__gt=
"yesterday"``) before the code runs::

    hs.site_pages.list(state="DRAFT", publish_date__gt=datetime(2024, 5, 1, tzinfo=UTC))
    hs.site_pages.list(slug__in=["a", "b"], translated_from_id__is_null=True)

Every key is ``property__operator`` in the library's snake_case spelling, from the
filter table of HubSpot's CMS Pages guide; a bare property name means ``__eq``. Dates
take aware datetimes, ``in``/``nin`` a collection, ``is_null``/``not_null`` ``True``.
At run time the same filters are checked again (with a did-you-mean), and HubSpot's own
spellings (``publishDate__gt``, operator synonyms such as ``ilike``) are accepted too,
for code that builds filters as a ``dict`` (typed ``dict[str, Any]``).

``created_at``/``updated_at`` are plain ``list()`` keywords (HubSpot's exact-match
query parameters), so they are not repeated among the filters; :class:`ListOptions` holds
those keywords, and ``export()`` takes them with the filters (:class:`PageListOptions`,
:class:`FolderListOptions`).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypedDict

if TYPE_CHECKING:
    from .bulk import Journal, KeyFunc, PollPolicy, ProgressCallback

__all__ = [
    "BulkOptions",
    "FolderFilters",
    "FolderListOptions",
    "ListOptions",
    "PageFilters",
    "PageListOptions",
    "ReadManyOptions",
]


class BulkOptions(TypedDict, total=False):
    """The options of ``create_many``/``update_many``/``archive_many`` on a resource:
    those of :func:`hubpages_async.bulk.create_many` (see it for defaults and meaning)."""

    chunk_size: int
    concurrency: int
    on_progress: ProgressCallback | None
    journal: Journal | str | os.PathLike[str] | None
    key: KeyFunc | None
    poll: PollPolicy | None
    max_rounds: int
    collect: bool


class ReadManyOptions(BulkOptions, total=False):
    """``read_many``'s options: the bulk options and ``archived``."""

    archived: bool | None


class ListOptions(TypedDict, total=False):
    """The keywords every list call takes besides the filters and ``after`` (each one
    means "not given" when left out or None; see ``PagesResource.list``)."""

    limit: int | None
    sort: str | Sequence[str] | None
    properties: str | Sequence[str] | None
    archived: bool | None
    created_at: datetime | None
    created_after: datetime | None
    created_before: datetime | None
    updated_at: datetime | None
    updated_after: datetime | None
    updated_before: datetime | None


class FolderFilters(TypedDict, total=False):
    """Filters of a folder list (``hs.landing_pages.folders.list``); pages take these too."""

    id: str
    id__eq: str
    id__in: Collection[str]
    id__nin: Collection[str]
    created_at__eq: datetime
    created_at__gt: datetime
    created_at__gte: datetime
    created_at__lt: datetime
    created_at__lte: datetime
    updated_at__eq: datetime
    updated_at__gt: datetime
    updated_at__gte: datetime
    updated_at__lt: datetime
    updated_at__lte: datetime
    archived_at: datetime
    archived_at__eq: datetime
    archived_at__gt: datetime
    archived_at__gte: datetime
    archived_at__lt: datetime
    archived_at__lte: datetime
    name: str
    name__eq: str
    name__icontains: str
    name__in: Collection[str]


class PageFilters(FolderFilters, total=False):
    """Filters of a page list (``hs.site_pages.list``, ``hs.landing_pages.list``)."""

    slug: str
    slug__eq: str
    slug__icontains: str
    slug__in: Collection[str]
    slug__nin: Collection[str]
    campaign: str
    campaign__eq: str
    campaign__in: Collection[str]
    state: str
    state__contains: str
    state__eq: str
    state__in: Collection[str]
    state__ne: str
    state__nin: Collection[str]
    publish_date: datetime
    publish_date__eq: datetime
    publish_date__gt: datetime
    publish_date__gte: datetime
    publish_date__lt: datetime
    publish_date__lte: datetime
    template_path: str
    template_path__contains: str
    template_path__eq: str
    template_path__startswith: str
    mab_experiment_id: str
    mab_experiment_id__eq: str
    mab_experiment_id__in: Collection[str]
    ab_test_id: str
    ab_test_id__eq: str
    ab_test_id__in: Collection[str]
    created_by_id: str
    created_by_id__eq: str
    updated_by_id: str
    updated_by_id__eq: str
    domain: str
    domain__contains: str
    domain__eq: str
    domain__not_like: str
    subcategory: str
    subcategory__eq: str
    subcategory__in: Collection[str]
    subcategory__ne: str
    subcategory__nin: Collection[str]
    folder_id: str
    folder_id__eq: str
    folder_id__in: Collection[str]
    folder_id__is_null: Literal[True]
    folder_id__not_null: Literal[True]
    language__in: Collection[str]
    language__not_null: Literal[True]
    translated_from_id__is_null: Literal[True]
    translated_from_id__not_null: Literal[True]
    dynamic_page_hub_db_table_id: str
    dynamic_page_hub_db_table_id__eq: str
    dynamic_page_hub_db_table_id__not_null: Literal[True]
    ab_status: str
    ab_status__eq: str


class PageListOptions(ListOptions, PageFilters, total=False):
    """Everything ``hs.site_pages.export(...)`` passes on to ``list``."""


class FolderListOptions(ListOptions, FolderFilters, total=False):
    """Everything ``hs.landing_pages.folders.export(...)`` passes on to ``list``."""
