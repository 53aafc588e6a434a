"""The bulk methods of every resource (``create_many``...), typed for its models.

Each one hands over to the function of the same name in :mod:`hubpages_async.bulk`
(imported on first use: the bulk layer builds on the resources, not the reverse). Their
options are typed by :class:`~hubpages_async.params.BulkOptions`, which mirrors those
functions' keywords, so ``mypy`` catches ``chunk_sise=`` here as it does there
(``tests/typecheck/test_signatures.py`` fails if the two drift apart).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack, cast

import msgspec

if TYPE_CHECKING:
    from ..bulk import BatchReport
    from ..bulk._chunks import Inputs
    from ..params import BulkOptions, ReadManyOptions

__all__ = ["BulkMethods"]

M = TypeVar("M", bound=msgspec.Struct)
S = TypeVar("S", bound=msgspec.Struct)


class BulkMethods(Generic[M, S]):
    """``create_many``/``read_many``/``update_many``/``archive_many`` for a resource whose
    callers send ``M`` (``Page``) and which returns ``S`` (``SavedPage``); the bulk layer
    decodes every result as the resource's ``model``, hence the casts."""

    async def create_many(
        self, inputs: Inputs[M | Mapping[str, Any]], **options: Unpack[BulkOptions]
    ) -> BatchReport[S]:
        """Create any number of objects in chunked batch requests, each exactly once
        (see :func:`hubpages_async.bulk.create_many` for the options)::

            report = await hs.site_pages.create_many(pages, journal="import.sqlite")
        """
        from .. import bulk

        return cast("BatchReport[S]", await bulk.create_many(self, inputs, **options))

    async def read_many(
        self, inputs: Inputs[str], **options: Unpack[ReadManyOptions]
    ) -> BatchReport[S]:
        """Read any number of objects by id; see :func:`hubpages_async.bulk.read_many`."""
        from .. import bulk

        return cast("BatchReport[S]", await bulk.read_many(self, inputs, **options))

    async def update_many(
        self, inputs: Inputs[M | Mapping[str, Any]], **options: Unpack[BulkOptions]
    ) -> BatchReport[S]:
        """Update any number of objects (each with ``id`` set); see
        :func:`hubpages_async.bulk.update_many`."""
        from .. import bulk

        return cast("BatchReport[S]", await bulk.update_many(self, inputs, **options))

    async def archive_many(
        self, inputs: Inputs[str], **options: Unpack[BulkOptions]
    ) -> BatchReport[S]:
        """Delete any number of objects by id; see :func:`hubpages_async.bulk.archive_many`
        (the report's ``items`` stay empty: HubSpot returns nothing)."""
        from .. import bulk

        return cast("BatchReport[S]", await bulk.archive_many(self, inputs, **options))
