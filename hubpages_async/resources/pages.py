"""Site pages and landing pages: the same 27 operations, on two paths."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Unpack

from .. import errors
from ..models import (
    READ_ONLY_PAGE_FIELDS,
    AbTestCreateRequest,
    AbTestEndRequest,
    AbTestRerunRequest,
    AttachToLangGroupRequest,
    BatchResponse,
    CloneRequest,
    DetachFromLangGroupRequest,
    LanguageCloneRequest,
    Page,
    PageVersion,
    SavedPage,
    ScheduleRequest,
    SetLangPrimaryRequest,
    UpdateLanguagesRequest,
)
from ..models import UNSET as _UNSET
from ..pagination import AsyncPager
from ..params import PageFilters, PageListOptions
from ._base import Resource, aware, id_text
from .folders import FoldersResource

if TYPE_CHECKING:
    from .._core import Core

__all__ = ["LandingPagesResource", "PagesResource", "check_new_page"]


def check_new_page(page: Page, *, field: str = "page") -> None:
    """The guide's create rules: ``name`` and ``template_path`` are required, and the
    template path is relative to the design manager root (no leading ``/``)."""
    if not isinstance(page.name, str) or not page.name.strip():
        raise errors.ValidationError(f"{field}.name", "is required to create a page")
    if not isinstance(page.template_path, str) or not page.template_path.strip():
        raise errors.ValidationError(f"{field}.template_path", "is required to create a page")
    if page.template_path.startswith("/"):
        raise errors.ValidationError(
            f"{field}.template_path",
            f"must not start with '/' (got {page.template_path!r}); "
            "it is relative to the design manager root, e.g. 'theme/templates/page.html'",
        )


class PagesResource(Resource[Page, SavedPage, PageVersion]):
    """``hs.site_pages`` and ``hs.landing_pages``: every page operation, one method each.

    Ids are strings. Inputs are :class:`~hubpages_async.models.Page` objects (or
    mappings with HubSpot's camelCase names); only the fields you set are sent, and
    read-only fields (``id``, ``created``, ``url``...) are stripped. What comes back is
    a :class:`~hubpages_async.models.SavedPage`, whose ``id``, ``created`` and
    ``updated`` are always set::

        page = await hs.site_pages.create(Page(name="Pricing", template_path="t/page.html"))
    """

    input_model = Page
    model = SavedPage
    version_model = PageVersion
    read_only = READ_ONLY_PAGE_FIELDS
    id_field = "page_id"

    def check_new(self, obj: Page, *, field: str) -> None:
        """Require ``name`` and ``template_path`` (see :func:`check_new_page`)."""
        check_new_page(obj, field=field)

    # -- collection ------------------------------------------------------------------

    def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        sort: str | Sequence[str] | None = None,
        properties: str | Sequence[str] | None = None,
        archived: bool | None = None,
        created_at: datetime | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        updated_at: datetime | None = None,
        updated_after: datetime | None = None,
        updated_before: datetime | None = None,
        **filters: Unpack[PageFilters],
    ) -> AsyncPager[SavedPage]:
        """List pages (``GET``): await it for one page, iterate it for every page.

        ``filters`` are HubSpot's ``property__operator`` filters (typed as
        :class:`~hubpages_async.params.PageFilters`), e.g. ``state="DRAFT"`` (a bare
        name is ``__eq``), ``name__icontains="pricing"``,
        ``publish_date__gt=datetime(..., tzinfo=UTC)``, ``slug__in=["a", "b"]``,
        ``translated_from_id__is_null=True``. A filter HubSpot does not support, or a
        value it would refuse, raises ``errors.ValidationError`` naming it, at once.
        ``properties`` selects fields; ``id``, ``created`` and ``updated`` always come.
        """
        dates = {
            "created_at": created_at,
            "created_after": created_after,
            "created_before": created_before,
            "updated_at": updated_at,
            "updated_after": updated_after,
            "updated_before": updated_before,
        }
        return self._list(
            limit=limit,
            after=after,
            sort=sort,
            properties=properties,
            archived=archived,
            dates=dates,
            filters=filters,
        )

    def export(
        self, *, shards: int = 1, **options: Unpack[PageListOptions]
    ) -> AsyncIterator[SavedPage]:
        """Every page ``list(**options)`` matches, fetched over ``shards`` parallel
        cursors (see :func:`hubpages_async.export.export`)::

            async for page in hs.site_pages.export(shards=4, state="DRAFT"):
                ...
        """
        from .. import export

        return export.export(self, shards=shards, **options)

    async def create(self, page: Page) -> SavedPage:
        """Create a page (``POST``). Requires ``name`` and ``template_path``.

        Not idempotent: if the outcome is unknown (e.g. the connection dropped after
        sending) ``errors.OutcomeUnknownError`` is raised instead of retrying.
        """
        return await self._create(page, field="page")

    async def get(
        self,
        page_id: str,
        *,
        archived: bool | None = None,
        properties: str | Sequence[str] | None = None,
    ) -> SavedPage:
        """One page by id (``GET /{id}``)."""
        return await self._get(page_id, archived, properties)

    async def update(self, page_id: str, page: Page, *, archived: bool | None = None) -> SavedPage:
        """Sparse update of the live page (``PATCH /{id}``); read-only fields are not sent."""
        return await self._update(page_id, page, archived, field="page")

    async def archive(self, page_id: str) -> None:
        """Delete a page (``DELETE /{id}``). HubSpot's API "archive" is a hard delete;
        to hide a page in the dashboard, update ``archived_in_dashboard=True`` instead."""
        await self._archive(page_id)

    # -- batch (one request each) -----------------------------------------------------

    async def batch_create(self, pages: Sequence[Page]) -> BatchResponse[SavedPage]:
        """Create several pages in ONE request (``POST /batch/create``); 207 on partial
        failure, with each error's ``context`` naming the failed input. Not idempotent."""
        return await self._batch_create(pages, field="pages")

    async def batch_read(
        self, ids: Sequence[str], *, archived: bool | None = None
    ) -> BatchResponse[SavedPage]:
        """Read several pages in one request (``POST /batch/read``)."""
        return await self._batch_read(ids, archived)

    async def batch_update(
        self, pages: Sequence[Page], *, archived: bool | None = None
    ) -> BatchResponse[SavedPage]:
        """Update several pages in one request (``POST /batch/update``); each needs ``id``."""
        return await self._batch_update(pages, archived, field="pages")

    async def batch_archive(self, ids: Sequence[str]) -> None:
        """Delete several pages in one request (``POST /batch/archive``, answers 204)."""
        await self._batch_archive(ids)

    # -- draft and publishing ---------------------------------------------------------

    async def get_draft(self, page_id: str) -> SavedPage:
        """The page's draft (``GET /{id}/draft``)."""
        result: SavedPage = await self._core.request(
            "GET", self._item(page_id, "draft"), response_type=SavedPage
        )
        return result

    async def update_draft(self, page_id: str, page: Page) -> SavedPage:
        """Update the draft (``PATCH /{id}/draft``). HubSpot replaces nested structures
        (``widgets``, ``layout_sections``...) whole: send their full definition."""
        return await self._update(page_id, page, None, field="page", draft=True)

    async def reset_draft(self, page_id: str) -> None:
        """Discard the draft: copy live to draft (``POST /{id}/draft/reset``)."""
        await self._core.request("POST", self._item(page_id, "draft", "reset"), idempotent=True)

    async def push_live(self, page_id: str) -> None:
        """Publish the draft of an already published page (``POST /{id}/draft/push-live``)."""
        await self._core.request("POST", self._item(page_id, "draft", "push-live"), idempotent=True)

    async def schedule(self, page_id: str, publish_date: datetime) -> None:
        """Schedule publication (``POST /schedule``); ``publish_date`` must be aware."""
        body = ScheduleRequest(
            id=id_text(page_id, field="page_id"),
            publish_date=aware(publish_date, field="publish_date"),
        )
        await self._core.request("POST", f"{self.path}/schedule", body=body, idempotent=True)

    async def clone(self, page_id: str, *, clone_name: str | None = None) -> SavedPage:
        """Copy a page (``POST /clone``). Not idempotent (see :meth:`create`)."""
        body = CloneRequest(
            id=id_text(page_id, field="page_id"),
            clone_name=clone_name if clone_name is not None else _UNSET,
        )
        result: SavedPage = await self._core.request(
            "POST", f"{self.path}/clone", body=body, response_type=SavedPage, idempotent=False
        )
        return result

    # -- revisions ------------------------------------------------------------------------

    def list_revisions(
        self,
        page_id: str,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> AsyncPager[PageVersion]:
        """The page's previous versions (``GET /{id}/revisions``), as a pager."""
        return self._list_revisions(page_id, limit, after, before)

    async def get_revision(self, page_id: str, revision_id: str) -> PageVersion:
        """One previous version (``GET /{id}/revisions/{revisionId}``)."""
        return await self._get_revision(page_id, revision_id)

    async def restore_revision(self, page_id: str, revision_id: str) -> SavedPage:
        """Make a previous version live (``POST .../revisions/{revisionId}/restore``)."""
        return await self._restore_revision(page_id, revision_id, "restore")

    async def restore_revision_to_draft(self, page_id: str, revision_id: str) -> SavedPage:
        """Copy a previous version into the draft (``.../restore-to-draft``)."""
        return await self._restore_revision(page_id, revision_id, "restore-to-draft")

    # -- A/B tests ------------------------------------------------------------------------

    async def create_ab_variation(self, content_id: str, variation_name: str) -> SavedPage:
        """Start an A/B test with a new variation (``POST /ab-test/create-variation``).
        Not idempotent (see :meth:`create`)."""
        body = AbTestCreateRequest(
            content_id=id_text(content_id, field="content_id"), variation_name=variation_name
        )
        result: SavedPage = await self._core.request(
            "POST",
            f"{self.path}/ab-test/create-variation",
            body=body,
            response_type=SavedPage,
            idempotent=False,
        )
        return result

    async def end_ab_test(self, ab_test_id: str, winner_id: str) -> None:
        """End an A/B test, keeping ``winner_id`` (``POST /ab-test/end``)."""
        body = AbTestEndRequest(
            ab_test_id=id_text(ab_test_id, field="ab_test_id"),
            winner_id=id_text(winner_id, field="winner_id"),
        )
        await self._core.request("POST", f"{self.path}/ab-test/end", body=body, idempotent=True)

    async def rerun_ab_test(self, ab_test_id: str, variation_id: str) -> None:
        """Rerun a finished A/B test (``POST /ab-test/rerun``)."""
        body = AbTestRerunRequest(
            ab_test_id=id_text(ab_test_id, field="ab_test_id"),
            variation_id=id_text(variation_id, field="variation_id"),
        )
        await self._core.request("POST", f"{self.path}/ab-test/rerun", body=body, idempotent=True)

    # -- multi-language -------------------------------------------------------------------

    async def create_language_variation(
        self,
        page_id: str,
        *,
        language: str | None = None,
        primary_language: str | None = None,
        use_published: bool | None = None,
    ) -> SavedPage:
        """Clone a page into another language (``POST
        /multi-language/create-language-variation``). Not idempotent."""
        body = LanguageCloneRequest(
            id=id_text(page_id, field="page_id"),
            language=_UNSET if language is None else language,
            primary_language=_UNSET if primary_language is None else primary_language,
            use_published=_UNSET if use_published is None else use_published,
        )
        result: SavedPage = await self._core.request(
            "POST",
            f"{self.path}/multi-language/create-language-variation",
            body=body,
            response_type=SavedPage,
            idempotent=False,
        )
        return result

    async def attach_to_language_group(
        self,
        page_id: str,
        *,
        language: str,
        primary_id: str,
        primary_language: str | None = None,
    ) -> None:
        """Add a page to a language group (``POST /multi-language/attach-to-lang-group``)."""
        body = AttachToLangGroupRequest(
            id=id_text(page_id, field="page_id"),
            language=language,
            primary_id=id_text(primary_id, field="primary_id"),
            primary_language=_UNSET if primary_language is None else primary_language,
        )
        await self._core.request(
            "POST", f"{self.path}/multi-language/attach-to-lang-group", body=body, idempotent=True
        )

    async def detach_from_language_group(self, page_id: str) -> None:
        """Remove a page from its language group (``.../detach-from-lang-group``)."""
        body = DetachFromLangGroupRequest(id=id_text(page_id, field="page_id"))
        await self._core.request(
            "POST",
            f"{self.path}/multi-language/detach-from-lang-group",
            body=body,
            idempotent=True,
        )

    async def set_language_primary(self, page_id: str) -> None:
        """Make a page its group's primary (``PUT /multi-language/set-new-lang-primary``)."""
        body = SetLangPrimaryRequest(id=id_text(page_id, field="page_id"))
        await self._core.request(
            "PUT", f"{self.path}/multi-language/set-new-lang-primary", body=body
        )

    async def update_languages(self, primary_id: str, languages: Mapping[str, str]) -> None:
        """Set every group member's language: ``{page_id: language}``
        (``POST /multi-language/update-languages``)."""
        body = UpdateLanguagesRequest(
            primary_id=id_text(primary_id, field="primary_id"), languages=dict(languages)
        )
        await self._core.request(
            "POST", f"{self.path}/multi-language/update-languages", body=body, idempotent=True
        )


class LandingPagesResource(PagesResource):
    """``hs.landing_pages``: the page operations plus ``folders``."""

    def __init__(self, core: Core, path: str = "landing-pages") -> None:
        super().__init__(core, path)
        #: Landing-page folders (``/landing-pages/folders``).
        self.folders = FoldersResource(core, f"{path}/folders")
